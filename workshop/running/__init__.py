"""Starting the moving parts and talking to them: Redis, server processes, chat clients, the browser."""
