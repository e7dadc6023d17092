"""Each open board page: a member of the "board" group, sent every result as it arrives."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import redis
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from workshop.protocol import TRY_AGAIN_LATER

BOARD_GROUP = "board"
# A Redis restart forgets the group; every page's consumer joins again this often (ZADD is
# idempotent), and a consumer that cannot is closed with 4013 so its page reconnects and reloads.
REJOIN_EVERY = 5.0
LAYER_ERRORS = (redis.RedisError, OSError)

logger = logging.getLogger(__name__)


class BoardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        try:
            await self.channel_layer.group_add(BOARD_GROUP, self.channel_name)
        except LAYER_ERRORS as error:
            logger.warning("Board page refused: channel layer unreachable (%s)", error)
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        self.rejoining = asyncio.create_task(self._rejoin_while_open())

    async def _rejoin_while_open(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_EVERY)
            try:
                await self.channel_layer.group_add(BOARD_GROUP, self.channel_name)
            except LAYER_ERRORS as error:
                logger.warning(
                    "Board page closed with %d: channel layer unreachable (%s)", TRY_AGAIN_LATER, error
                )
                await self.close(code=TRY_AGAIN_LATER)
                return

    async def disconnect(self, code: int) -> None:
        rejoining = getattr(self, "rejoining", None)
        if rejoining is not None:
            rejoining.cancel()
        with contextlib.suppress(*LAYER_ERRORS):
            await self.channel_layer.group_discard(BOARD_GROUP, self.channel_name)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        pass  # the page only listens

    async def board_result(self, event: dict) -> None:
        await self.send_json(event["result"])
