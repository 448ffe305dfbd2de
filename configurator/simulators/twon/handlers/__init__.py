"""Handlers of the 2N HTTP API functions, one module per function group.

Every handler is ``async def handler(sim, req) -> aiohttp.web.StreamResponse`` and raises
:class:`~configurator.simulators.twon.protocol.ApiError` for a negative reply.
"""
