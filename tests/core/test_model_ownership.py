"""Each app writes only its own models: another app's rows change through that app's services.

The check reads the source with ``ast`` (no import, no database): for every module of every app under
``src/tiepdan/`` it finds the models imported from another app (``from tiepdan.<app>.models import X``,
``from ..<app>.models import X``) and fails on each write to one of them:

``X = apps.get_model("<app>", "X")`` counts as an import.

- ``X.objects.create / update / delete / bulk_create / bulk_update / get_or_create / update_or_create``
  (also at the end of a chain: ``X.objects.filter(...).update(...)``);
- on an instance of ``X`` (a parameter annotated ``X``, a name bound to ``X(...)``, to a query of
  ``X.objects`` or looped over one): ``.save()``, ``.delete()``, a related manager's
  ``.set / add / remove / clear / create``.

Migrations are left out: they are the app's own history, written with the historical models.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tiepdan"

QUERYSET_WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
INSTANCE_WRITES = {"save", "delete"}
RELATED_WRITES = {"set", "add", "remove", "clear", "create", "bulk_create", "update", "delete", "get_or_create", "update_or_create"}

# (file relative to src/tiepdan, model) → why this write stays where it is. Keep it empty.
ALLOWED: dict[tuple[str, str], str] = {}


def _apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "apps.py").exists())


def _models_of(app: str) -> set[str]:
    """Class names defined at the top of the app's models module (or package)."""
    files = [SRC / app / "models.py"] + sorted((SRC / app / "models").glob("*.py"))
    return {node.name for f in files if f.exists() for node in ast.parse(f.read_text()).body if isinstance(node, ast.ClassDef)}


MODELS = {app: _models_of(app) for app in _apps()}


def _imported_models(tree: ast.Module, own_app: str) -> dict[str, tuple[str, str]]:
    """Local name → (app, model) for every model imported from another app's models module."""
    found = {}
    for node in ast.walk(tree):
        # X = apps.get_model("app", "Model"): the same model, reached without an import
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "get_model" and len(node.value.args) == 2 \
                and all(isinstance(a, ast.Constant) for a in node.value.args):
            app, model = (a.value for a in node.value.args)
            if app != own_app and model in MODELS.get(app, ()):
                found[node.targets[0].id] = (app, model)
            continue
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        parts = node.module.split(".")
        if node.level == 0 and len(parts) == 3 and parts[0] == "tiepdan" and parts[2] == "models":
            app = parts[1]
        elif node.level >= 2 and len(parts) == 2 and parts[1] == "models":
            app = parts[0]
        else:
            continue
        if app == own_app or app not in MODELS:
            continue
        for alias in node.names:
            if alias.name in MODELS[app]:
                found[alias.asname or alias.name] = (app, alias.name)
    return found


def _root(node: ast.AST) -> ast.AST:
    """The start of a chain ``a.b(...).c(...)``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _objects_of(node: ast.AST, foreign: dict) -> str | None:
    """The foreign model whose ``.objects`` manager a chain starts from (``X.objects.filter(...)...``)."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name) and node.value.id in foreign:
            return node.value.id
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _annotation_names(annotation: ast.AST | None) -> set[str]:
    if annotation is None:
        return set()
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return set()
    return {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}


@dataclass(frozen=True)
class Write:
    file: str
    line: int
    model: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what} on {self.model}"


class _Scanner(ast.NodeVisitor):
    def __init__(self, file: str, foreign: dict[str, tuple[str, str]]):
        self.file, self.foreign = file, foreign
        self.instances: list[dict[str, str]] = [{}]  # per function: variable → foreign model name
        self.writes: list[Write] = []
        self.returns: dict[str, str] = {}  # module function → the foreign model its return annotation names

    def visit_Module(self, node):
        for fn in node.body:
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                named = _annotation_names(fn.returns) & set(self.foreign)
                if named:
                    self.returns[fn.name] = sorted(named)[0]
        self.generic_visit(node)

    def _model_of_value(self, value: ast.AST) -> str | None:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            if value.func.id in self.foreign:
                return value.func.id
            if value.func.id in self.returns:  # a helper of this module declared to return the model
                return self.returns[value.func.id]
        return _objects_of(value, self.foreign)

    def _bind(self, target: ast.AST, model: str | None) -> None:
        # A name keeps the model it was known to hold (``matter = _locked(matter)`` is still a Matter).
        if isinstance(target, ast.Name) and model:
            self.instances[-1][target.id] = model

    def visit_FunctionDef(self, node):
        scope = dict(self.instances[-1])
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            named = _annotation_names(arg.annotation) & set(self.foreign)
            if named:
                scope[arg.arg] = sorted(named)[0]
        self.instances.append(scope)
        self.generic_visit(node)
        self.instances.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node):
        self.generic_visit(node)
        model = self._model_of_value(node.value)
        for target in node.targets:
            self._bind(target, model)

    def visit_AnnAssign(self, node):
        self.generic_visit(node)
        named = _annotation_names(node.annotation) & set(self.foreign)
        self._bind(node.target, (sorted(named)[0] if named else None) or (self._model_of_value(node.value) if node.value else None))

    def visit_For(self, node):
        self._bind(node.target, _objects_of(node.iter, self.foreign))
        self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        manager_model = _objects_of(node.func.value, self.foreign)
        if manager_model and method in QUERYSET_WRITES:
            self._flag(node, manager_model, f"{manager_model}.objects…{method}()")
            return
        receiver = node.func.value
        instances = self.instances[-1]
        if isinstance(receiver, ast.Name) and receiver.id in instances and method in INSTANCE_WRITES:
            self._flag(node, instances[receiver.id], f"{receiver.id}.{method}()")
            return
        root = _root(receiver)
        if isinstance(root, ast.Name) and root.id in instances and root is not receiver and method in RELATED_WRITES:
            self._flag(node, instances[root.id], f"{ast.unparse(node.func)}()")

    def _flag(self, node, local_name: str, what: str) -> None:
        app, model = self.foreign[local_name]
        self.writes.append(Write(self.file, node.lineno, f"{app}.{model}", what))


def foreign_writes() -> list[Write]:
    writes = []
    for app in MODELS:
        for path in sorted((SRC / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            foreign = _imported_models(tree, app)
            if not foreign:
                continue
            scanner = _Scanner(str(path.relative_to(SRC)), foreign)
            scanner.visit(tree)
            writes += [w for w in scanner.writes if (w.file, w.model) not in ALLOWED]
    return writes


def test_no_app_writes_another_apps_models():
    writes = foreign_writes()
    assert not writes, "Writes to another app's models (call that app's services instead):\n" + "\n".join(map(str, writes))


def test_the_check_sees_each_kind_of_write(tmp_path, monkeypatch):
    """The scanner itself: each form of write is found, and reads and the app's own models are not."""
    app = tmp_path / "triage"
    app.mkdir()
    (app / "apps.py").write_text("")
    (app / "models.py").write_text("class Decision: pass\n")
    (app / "services.py").write_text(
        "from tiepdan.intake.models import Matter, Petition\n"
        "from ..organisations.models import Organisation\n"
        "from .models import Decision\n"
        "def a(matter: Matter, org: 'Organisation | None'):\n"
        "    matter.kind = 'x'\n"
        "    matter.save(update_fields=['kind'])\n"
        "    matter.agencies_involved.set([])\n"
        "    org.delete()\n"
        "    Decision.objects.create()\n"
        "    Matter.objects.filter(pk=1).update(kind='x')\n"
        "    Matter.objects.filter(pk=1).exists()\n"
        "def b():\n"
        "    p = Petition.objects.select_for_update().get(pk=1)\n"
        "    p.save()\n"
        "    for m in Matter.objects.all():\n"
        "        m.delete()\n"
        "    q = Petition(matter=None)\n"
        "    q.save()\n"
        "    Petition.objects.get_or_create(pk=2)\n"
        "    matter.save()  # not known here: a name from another function\n"
        "def _locked(pk) -> Matter:\n"
        "    return Matter.objects.get(pk=pk)\n"
        "def c(m):\n"
        "    m = _locked(m)\n"
        "    m.save()\n"
        "    M = apps.get_model('intake', 'Matter')\n"
        "    M.objects.bulk_create([])\n"
    )
    monkeypatch.setitem(globals(), "SRC", tmp_path)
    monkeypatch.setitem(globals(), "MODELS", {"triage": {"Decision"}, "intake": {"Matter", "Petition"}, "organisations": {"Organisation"}})
    found = sorted((w.line, w.model, w.what) for w in foreign_writes())
    assert found == [
        (6, "intake.Matter", "matter.save()"),
        (7, "intake.Matter", "matter.agencies_involved.set()"),
        (8, "organisations.Organisation", "org.delete()"),
        (10, "intake.Matter", "Matter.objects…update()"),
        (14, "intake.Petition", "p.save()"),
        (16, "intake.Matter", "m.delete()"),
        (18, "intake.Petition", "q.save()"),
        (19, "intake.Petition", "Petition.objects…get_or_create()"),
        (25, "intake.Matter", "m.save()"),
        (27, "intake.Matter", "M.objects…bulk_create()"),
    ]
