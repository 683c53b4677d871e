"""The model modules: one attrs class (and its decoder) per model, grouped as
:func:`codegen.build` assigned them to modules."""

from __future__ import annotations

import jinja2

from . import ir
from .emit_checks import CORE_NAMES, field_kind
from .names import snake, upper_snake
from .render import (
    HEADER,
    Names,
    decode_expr,
    decoder_name,
    encode_expr,
    kinds,
    mentions,
    needs_conversion,
    py_str,
    sharer_name,
)


def model_module(
    env: jinja2.Environment,
    models: list[ir.Model],
    module_of: dict[str, str],
    shared: frozenset[str],
) -> str:
    this = models[0].module
    all_kinds: set[str] = set()
    deps: dict[str, set[str]] = {}
    contexts = []
    shadowed_anywhere: set[str] = set()
    uses_getter = False
    for model in models:
        names = Names({f.name for f in model.fields})
        shadowed_anywhere |= names.shadowed
        model_kinds: set[str] = set()
        fields = []
        for f in model.fields:
            model_kinds |= kinds(f.type)
            optional = not f.required
            annotation = names.annotation(f.type, optional=optional)
            has_default = optional or f.type.nullable
            if f.secret:
                default = f" = attrs.field({'default=None, ' if has_default else ''}repr=False)"
            else:
                default = " = None" if has_default else ""
            convert = needs_conversion(f.type)
            fields.append(
                {
                    "name": f.name,
                    "wire": f.wire,
                    "annotation": annotation,
                    "default": default,
                    "has_default": has_default,
                    "doc": _field_doc(f),
                    "convert": convert,
                    "decode": decode_expr(
                        f.type, "x", source=f"d[{py_str(f.wire)}]", shared=shared
                    ),
                    "encode": encode_expr(f.type, f"self.{f.name}") if convert else "",
                    "kind": field_kind(f),
                    "secret": f.secret,
                }
            )
        all_kinds |= model_kinds
        for dep in model.dependencies():
            if module_of[dep] != this:
                names_used = {dep, sharer_name(dep) if dep in shared else decoder_name(dep)}
                deps.setdefault(module_of[dep], set()).update(names_used)
        wire_order = list(fields)
        plain = [f for f in fields if not f["convert"]]
        uses_getter = uses_getter or len(plain) > 1
        # Required fields first keeps the generated __init__ readable; attrs does not
        # need it (every argument is keyword-only).
        fields.sort(key=lambda f: 1 if f["has_default"] else 0)
        contexts.append(
            {
                "model": model,
                "constant": upper_snake(model.name),
                "snake": snake(model.name),
                "shared": model.name in shared,
                "wire_order": wire_order,
                "names": names,
                "fields": fields,
                "plain": plain,
                "converted": [f for f in fields if f["convert"]],
                "parsers": [p for p in _PARSERS if p[0] in model_kinds],
                "doc": _model_doc(model),
            }
        )
    core = ["FieldKinds"]
    for kind, lenient, strict in _PARSERS:
        if kind in all_kinds:
            core += [f"format_{kind} as _format_{kind}", f"{lenient[1:]} as {lenient}"]
            core += [f"{strict[1:]} as {strict}"]
    kind_text = " ".join(field_kind(f) for m in models for f in m.fields)
    core += [w for w in sorted(CORE_NAMES) if mentions(kind_text, w)]
    return str(
        env.get_template("models_module.py.jinja").render(
            header=HEADER,
            doc=", ".join(m.name for m in models) + ".",
            uses_dt=bool(all_kinds & {"date", "datetime"}),
            uses_builtins=bool(shadowed_anywhere),
            uses_getter=uses_getter,
            core_imports=sorted(core),
            model_imports=[(mod, sorted(names)) for mod, names in sorted(deps.items())],
            models=contexts,
        )
    )


#: (IR kind, lenient parser, strict parser) of the text a decoder turns into dates. A
#: decoder's local ``to_<kind>`` is the strict one (fast, raises on odd text) until
#: it meets odd text; then it decodes the object again with the lenient one.
_PARSERS = [
    ("date", "_parse_date", "_iso_date"),
    ("datetime", "_parse_datetime", "_iso_datetime"),
]


def _field_doc(f: ir.Field) -> str:
    parts = []
    if f.description:
        parts.append(f.description)
    if f.type.enum:
        parts.append(
            "One of: " + ", ".join(f"``{v}``" for v in f.type.enum) + " (others are kept)."
        )
    if f.deprecated:
        parts.append("Deprecated.")
    return "\n\n".join(parts)


def _model_doc(model: ir.Model) -> str:
    text = model.description or f"The ``{model.schema_name}`` object."
    return text
