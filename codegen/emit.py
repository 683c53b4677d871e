"""The IR laid out as files: which module is rendered from which template and context.

Returns ``{relative path: source}``; nothing is written or formatted here. The model
modules come from :mod:`codegen.emit_models`, the service modules (async and sync) from
:mod:`codegen.emit_services` (their methods from :mod:`codegen.emit_methods`), the catalog
and the shapes table from :mod:`codegen.emit_catalog` and :mod:`codegen.emit_shapes`.
"""

from __future__ import annotations

from . import ir
from .emit_catalog import render_catalog
from .emit_models import model_module
from .emit_services import service_module, sync_module
from .emit_shapes import render_shapes
from .extensions import NONE, Extensions, ExtraService
from .render import environment


def render(api: ir.Api, package: str, extensions: Extensions = NONE) -> dict[str, str]:
    extensions = extensions.fit(api)
    env = environment()
    files: dict[str, str] = {}
    files["__init__.py"] = env.get_template("package_init.py.jinja").render(
        title=api.title, version=api.version, package=package
    )
    files["_decode.py"] = env.get_template("decode.py.jinja").render()
    files["catalog.py"] = render_catalog(env, api)
    files["models/__init__.py"] = env.get_template("models_init.py.jinja").render(
        models=sorted(api.models, key=lambda m: m.name)
    )
    files["models/_base.py"] = env.get_template("models_base.py.jinja").render()
    files["services/__init__.py"] = env.get_template("subpackage_init.py.jinja").render(
        doc="Async services, one module per service."
    )
    files["sync/__init__.py"] = env.get_template("subpackage_init.py.jinja").render(
        doc="Sync services: the async services run through the client's event loop thread."
    )
    by_module: dict[str, list[ir.Model]] = {}
    for model in api.models:
        by_module.setdefault(model.module, []).append(model)
    module_of = {m.name: m.module for m in api.models}
    # Nested models with an id are the entities a response repeats (creators, buckets,
    # parents): they are decoded once per response and shared.
    nested = set().union(*(m.dependencies() for m in api.models))
    shared = frozenset(
        m.name for m in api.models if m.name in nested and any(f.wire == "id" for f in m.fields)
    )
    for module, models in sorted(by_module.items()):
        files[f"models/{module}.py"] = model_module(env, models, module_of, shared)
    for service in api.services:
        mixins = extensions.mixins.get(service.name)
        files[f"services/{service.name}.py"] = service_module(env, service, module_of, mixins)
        files[f"sync/{service.name}.py"] = sync_module(env, service, module_of, mixins)
    summaries = [_service_summary(s) for s in api.services]
    summaries += [_extra_summary(s) for s in extensions.services]
    files["shapes.py"] = render_shapes(env, api)
    files["account.py"] = env.get_template("account.py.jinja").render(
        services=sorted(summaries, key=lambda s: s["name"]),
        operations=sorted(api.operations, key=lambda o: o.id),
        uploads=sorted((o for o in api.operations if o.is_upload), key=lambda o: o.id),
    )
    return files


def _service_summary(service: ir.Service) -> dict[str, str]:
    return {
        "name": service.name,
        "async_module": f".services.{service.name}",
        "async_class": service.async_class,
        "sync_module": f".sync.{service.name}",
        "sync_class": service.sync_class,
        "summary": service.summary,
    }


def _extra_summary(extra: ExtraService) -> dict[str, str]:
    return {
        "name": extra.name,
        "async_module": extra.async_class.module,
        "async_class": extra.async_class.name,
        "sync_module": extra.sync_class.module,
        "sync_class": extra.sync_class.name,
        "summary": extra.summary.split("\n")[0],
    }
