"""An MCP client with the Python SDK (mcp 2.3) of one era: `modern` pins 2026-07-28, `legacy` runs the 2025 handshake.

Answers every elicitation with the name "Ada <era>" and every sampling request with "sampled for <era>", calls each
named tool, reads each named resource and prints one JSON line with what it got.
Usage: python era_client.py modern|legacy URL BEARER --call NAME ARGS_JSON ... --read URI ...
"""

import asyncio
import json
import sys

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CreateMessageResult, ElicitResult, TextContent


async def main(era: str, url: str, bearer: str, steps: list[str]) -> None:
    out = {"era": era, "calls": {}, "reads": {}, "asked": []}

    async def elicit(context, params):
        out["asked"].append("elicitation/create")
        return ElicitResult(action="accept", content={"name": f"Ada {era}"})

    async def sample(context, params):
        out["asked"].append("sampling/createMessage")
        return CreateMessageResult(
            role="assistant", model="test-model", content=TextContent(type="text", text=f"sampled for {era}")
        )

    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {bearer}"}, timeout=60)
    transport = streamable_http_client(url, http_client=http)
    mode = "2026-07-28" if era == "modern" else "legacy"
    async with Client(transport, mode=mode, elicitation_callback=elicit, sampling_callback=sample) as client:
        i = 0
        while i < len(steps):
            if steps[i] == "--call":
                name, args = steps[i + 1], json.loads(steps[i + 2])
                i += 3
                try:
                    result = await client.call_tool(name, args)
                    text = "\n".join(getattr(c, "text", "") for c in result.content)
                    out["calls"][name] = {"isError": bool(result.is_error), "text": text}
                except Exception as error:  # noqa: BLE001 - reported, the test asserts on it
                    out["calls"][name] = {"isError": True, "text": f"thrown: {error}"}
            elif steps[i] == "--read":
                uri = steps[i + 1]
                i += 2
                result = await client.read_resource(uri)
                out["reads"][uri] = getattr(result.contents[0], "text", "")
            else:
                raise SystemExit(f"unknown flag {steps[i]}")
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
