"""The board's page, its state, the classroom's address for learners, and the reports they send."""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from pathlib import Path

from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from workshop.catalogue import catalogue
from workshop.classroom.board.consumers import BOARD_GROUP, LAYER_ERRORS
from workshop.classroom.reports import FloodGate, InvalidReport, read_report
from workshop.classroom.store import ResultStore
from workshop.steps import all_steps

PAGE = Path(__file__).with_name("page.html")
flood_gate = FloodGate()
logger = logging.getLogger(__name__)


@cache
def store() -> ResultStore:
    return ResultStore(Path(settings.CLASSROOM_DB))


def hints_for(checks: list[str]) -> dict[str, str]:
    """Each failing check's hint, from the catalogue in the instructor's language."""
    hints = catalogue().HINTS
    return {check: hints.get(check, "") for check in checks}


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.read_text(encoding="utf-8"), content_type="text/html; charset=utf-8")


@require_GET
def state(request: HttpRequest) -> JsonResponse:
    results = store().latest()
    failing = sorted({check for result in results for check in result["failing"]})  # type: ignore[attr-defined]
    steps = [{"number": step.number, "name": step.name} for step in all_steps()]
    return JsonResponse({"steps": steps, "results": results, "hints": hints_for(failing)})


@require_GET
def classroom(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"redis_url": settings.CLASSROOM_LEARNER_REDIS_URL})


@csrf_exempt
@require_POST
async def reports(request: HttpRequest) -> JsonResponse:
    try:
        report = read_report(request.body)
    except InvalidReport as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    if not flood_gate.allows(report.name):
        return JsonResponse({"error": "too many reports from this name; wait a minute"}, status=429)
    result = await asyncio.to_thread(store().record, report)
    result["hints"] = hints_for(list(report.failing))
    try:
        await get_channel_layer().group_send(BOARD_GROUP, {"type": "board.result", "result": result})
    except LAYER_ERRORS as error:  # kept all the same: pages load it when they reconnect
        logger.warning("Result of %s kept, not sent live: channel layer unreachable (%s)", report.name, error)
    return JsonResponse({"recorded": result}, status=201)
