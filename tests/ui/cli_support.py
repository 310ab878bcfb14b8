"""What the CLI says about the same server, so GUI tests can check that GUI and CLI agree."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any


async def cli_json(command: str, *args: str, token: str | None = None) -> dict[str, Any]:
    """``wsmonitor COMMAND ARGS --json``, without blocking the loop (in-loop servers answer).

    The token travels through an environment variable, as a careful user would pass it.
    """
    env = dict(os.environ)
    extra: list[str] = []
    if token:
        env["WSM_TEST_TOKEN"] = token
        extra = ["--token-env", "WSM_TEST_TOKEN"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wsmonitor", command, *args, *extra, "--json",
        stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    stdout, _ = await asyncio.wait_for(process.communicate(), 120)
    return json.loads(stdout)
