"""An MCP server with the Python SDK (mcp 2.3), serving the 2025 era and 2026-07-28 on one endpoint.

Tools: greet (plain), ask (one elicitation round), sample (one sampling round); resource note://py.
Usage: python era_server.py PORT
"""

import sys
from typing import Annotated

from mcp.server.mcpserver import Elicit, MCPServer, Resolve, Sample
from mcp_types import CreateMessageResult, SamplingMessage, TextContent
from pydantic import BaseModel

server = MCPServer("py")


class Name(BaseModel):
    name: str


def ask_name() -> Elicit[Name]:
    return Elicit("Who is asking?", Name)


def ask_llm() -> Sample:
    return Sample([SamplingMessage(role="user", content=TextContent(type="text", text="say hi"))], max_tokens=20)


@server.tool()
def greet(who: str) -> str:
    """Greets someone."""
    return f"hello {who} from py"


@server.tool()
def ask(answer: Annotated[Name, Resolve(ask_name)]) -> str:
    """Asks the user for a name."""
    return f"asked {answer.name}"


@server.tool()
def sample(answer: Annotated[CreateMessageResult, Resolve(ask_llm)]) -> str:
    """Asks the client's LLM."""
    return f"sampled: {answer.content.text}"


@server.resource("note://py", mime_type="text/plain")
def note() -> str:
    return "the note of py"


if __name__ == "__main__":
    server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[1]))
