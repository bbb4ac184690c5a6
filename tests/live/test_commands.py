"""The chair's commands table (live/commands.py) against what the console actually sends."""
import re
from pathlib import Path

from tiepdan.live.commands import COMMANDS
from tiepdan.live.consumers import ROUTES

LIVE = Path(__file__).resolve().parents[2] / "src" / "tiepdan" / "live"
# data-command="x" in the templates; button(label, "x", ...) and signalling.command("x", ...) in console.js.
_SENT = re.compile(r'data-command="([a-z_]+)"|button\([^()]*?, "([a-z_]+)"|\.command\("([a-z_]+)"')


def _commands_the_console_sends() -> set[str]:
    texts = [p.read_text(encoding="utf-8") for p in [*LIVE.glob("templates/live/*.html"), LIVE / "static/live/console.js"]]
    return {name for text in texts for m in _SENT.finditer(text) for name in m.groups() if name}


def test_every_command_the_console_sends_is_in_the_table():
    sent = _commands_the_console_sends()
    assert {"admit", "mute", "floor", "remove", "start", "close", "timer"} <= sent  # the pattern still finds them
    assert sent - set(COMMANDS) == set()


def test_every_message_type_the_browser_sends_has_a_route():
    scripts = "".join(p.read_text(encoding="utf-8") for p in (LIVE / "static/live").rglob("*.js"))
    sent = set(re.findall(r'(?:send|JSON\.stringify)\(\{ type: "([a-z_]+)"', scripts))
    assert {"signal", "quality", "ping", "backend_failed", "command"} <= sent  # the pattern still finds them
    assert sent - set(ROUTES) == set()
