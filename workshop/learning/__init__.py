"""What a learner runs beside the lessons: exercises and their checks, lesson diffs, the notebooks."""
