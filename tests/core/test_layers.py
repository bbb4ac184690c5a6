"""The plan of the house holds in the code, beside the import contract (`lint-imports`, run by `make test`).

The contract sees every import, at the top or inside a function; these checks keep the imports where a
reader sees them: an import inside a function is there for a reason other than a cycle (a heavy module only
one path needs, an app registry not ready yet), and says so in a comment. Another app's model is imported,
never looked up by name, so the contract sees that dependency too.
"""
import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tiepdan"
IMPORT_LINE = re.compile(r"^\s*(from\s+\S+\s+import|import)\s")


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def imports_inside_functions_without_a_reason(path: Path, text: str) -> list[str]:
    """``file:line`` of each import inside a function whose block (the consecutive import lines around it)
    carries no comment, neither on its lines nor on the line just above."""
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for sub in ast.walk(node):
            if not isinstance(sub, (ast.Import, ast.ImportFrom)):
                continue
            first = sub.lineno - 1
            while first > 0 and IMPORT_LINE.match(lines[first - 1]):
                first -= 1
            block = lines[first:sub.end_lineno]
            above = lines[first - 1].strip() if first > 0 else ""
            if not any("#" in line for line in block) and not above.startswith("#"):
                found.append(f"{path.relative_to(SRC.parent)}:{sub.lineno}")
    return found


def test_an_import_inside_a_function_says_why_it_is_not_at_the_top():
    found = [where for path, text in _sources() for where in imports_inside_functions_without_a_reason(path, text)]
    assert found == [], "Imports inside functions with no reason given (move them to the top, or say why not):\n" + "\n".join(found)


def test_the_check_tells_a_reasoned_import_from_a_hidden_one():
    hidden = "def f():\n    from tiepdan.triage import services\n    return services\n"
    reasoned = "def f():\n    # Here, not at the top: ~90 ms to import, one page needs it.\n    import pypdf\n    import pypdf.errors\n    return pypdf\n"
    assert imports_inside_functions_without_a_reason(SRC / "x.py", hidden) == ["tiepdan/x.py:2"]
    assert imports_inside_functions_without_a_reason(SRC / "x.py", reasoned) == []



def test_no_app_looks_up_another_apps_model_by_name():
    """``apps.get_model("scheduling", ...)`` hides a dependency from the contract; core.labels' lookup of any audited type by its stored name is the one use."""
    pattern = re.compile(r"""apps\.get_model\(\s*["']""")
    found = [f"{path.relative_to(SRC.parent)}:{n}" for path, text in _sources() for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert found == []
