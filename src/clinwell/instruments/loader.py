"""Validating loader: instrument data file (FHIR Questionnaire + scoring spec) → Instrument.

File format (``src/clinwell/instruments/data/<id>.json``; documented in ``docs/instruments.md``)::

    {"questionnaire": <FHIR R4 Questionnaire>, "scoring": <clinwell scoring spec>}

Every problem raises :class:`InstrumentError` naming the file and the field path, e.g.
``cbi.json: scoring.scales[1].min_answered: must be an integer from 1 to 7``.

When the Questionnaire has ``cqf-citation`` extensions
(http://hl7.org/fhir/StructureDefinition/cqf-citation), they must equal ``scoring.citations``
in the same order, each as ``text`` + ``" "`` + ``url`` (just ``text`` without a url).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from clinwell.instruments.model import (
    DOMAINS,
    KPIS,
    AnswerOption,
    Citation,
    Cutoff,
    Instrument,
    InstrumentError,
    Item,
    Licence,
    Provenance,
    Scale,
    Tags,
)

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
PREFER_NOT_TO_ANSWER = "https://clinwell.org/fhir/StructureDefinition/prefer-not-to-answer"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
CQF_CITATION = "http://hl7.org/fhir/StructureDefinition/cqf-citation"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_METHODS = ("value", "sum", "mean", "rescale")
_OPS = (">=", ">", "<=", "<")
_TEXT_STATUS = ("verbatim", "paraphrase", "placeholder", "custom")


class _Node:
    """A JSON value plus its path, so every error names the file and the field."""

    def __init__(self, value: object, path: str, source: str) -> None:
        self.value, self.path, self.source = value, path, source

    def fail(self, message: str) -> InstrumentError:
        return InstrumentError(f"{self.source}: {self.path}: {message}")

    def child(self, key: str | int, *, optional: bool = False) -> _Node:
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}".lstrip(".")
        if isinstance(key, str):
            obj = self.as_obj()
            if key not in obj and not optional:
                raise InstrumentError(f"{self.source}: {path}: required field is missing")
            return _Node(obj.get(key), path, self.source)
        return _Node(self.as_list()[key], path, self.source)

    def as_obj(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail("must be an object")
        return cast(dict[str, Any], self.value)

    def as_list(self, *, nonempty: bool = False) -> list[Any]:
        if not isinstance(self.value, list) or (nonempty and not self.value):
            raise self.fail("must be a non-empty list" if nonempty else "must be a list")
        return self.value

    def children(self, *, nonempty: bool = False) -> list[_Node]:
        return [self.child(i) for i in range(len(self.as_list(nonempty=nonempty)))]

    def as_str(self, *, optional: bool = False) -> str:
        if optional and self.value is None:
            return ""
        if not isinstance(self.value, str) or (not optional and not self.value.strip()):
            raise self.fail("must be a non-empty string")
        return self.value

    def opt_str(self) -> str | None:
        return None if self.value is None else self.as_str()

    def as_bool(self, default: bool | None = None) -> bool:
        if self.value is None and default is not None:
            return default
        if not isinstance(self.value, bool):
            raise self.fail("must be true or false")
        return self.value

    def as_num(self) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.fail("must be a finite number")
        return float(v)

    def one_of(self, allowed: tuple[str, ...]) -> str:
        if self.value not in allowed:
            raise self.fail(f"must be one of {', '.join(allowed)} (got {self.value!r})")
        return str(self.value)


def _extensions(node: _Node) -> dict[str, _Node]:
    ext = node.child("extension", optional=True)
    if ext.value is None:
        return {}
    out: dict[str, _Node] = {}
    for e in ext.children():
        out[e.child("url").as_str()] = e
    return out


def _parse_item(node: _Node, instrument_id: str) -> Item:
    link_id = node.child("linkId").as_str()
    match = re.fullmatch(rf"{re.escape(instrument_id)}\.([1-9][0-9]*)", link_id)
    if match is None:
        raise node.child("linkId").fail(f"must be '{instrument_id}.<n>' (got {link_id!r})")
    kind = node.child("type").one_of(("choice", "integer", "decimal"))
    ext = _extensions(node)
    pnta = (
        ext[PREFER_NOT_TO_ANSWER].child("valueBoolean").as_bool()
        if PREFER_NOT_TO_ANSWER in ext
        else False
    )
    text = node.child("text").as_str()
    required = node.child("required", optional=True).as_bool(default=False)
    if kind == "choice":
        options: list[AnswerOption] = []
        for opt in node.child("answerOption").children(nonempty=True):
            coding = opt.child("valueCoding")
            code_node = coding.child("code")
            code = code_node.as_str()
            if not re.fullmatch(r"-?[0-9]+", code):
                raise code_node.fail(f"answer codes must be integers (got {code!r})")
            weights = _extensions(opt)
            if ITEM_WEIGHT not in weights:
                raise opt.fail("missing the itemWeight extension (the option's score)")
            score = weights[ITEM_WEIGHT].child("valueDecimal").as_num()
            options.append(AnswerOption(int(code), coding.child("display").as_str(), score))
        if len({o.code for o in options}) != len(options):
            raise node.child("answerOption").fail("answer codes must be unique")
        return Item(
            link_id, text, "choice", tuple(options), required=required, prefer_not_to_answer=pnta
        )
    key = "valueInteger" if kind == "integer" else "valueDecimal"
    if MIN_VALUE not in ext or MAX_VALUE not in ext:
        raise node.fail("numeric items need minValue and maxValue extensions")
    lo, hi = ext[MIN_VALUE].child(key).as_num(), ext[MAX_VALUE].child(key).as_num()
    if lo >= hi:
        raise ext[MAX_VALUE].fail("maxValue must exceed minValue")
    unit = ext[UNIT].child("valueCoding").child("display").as_str() if UNIT in ext else None
    return Item(
        link_id,
        text,
        cast(Any, kind),
        (),
        lo,
        hi,
        unit,
        required=required,
        prefer_not_to_answer=pnta,
    )


def _parse_tags(node: _Node) -> Tags:
    if node.value is None:
        return Tags()
    kpi, domain = node.child("kpi", optional=True), node.child("domain", optional=True)
    return Tags(
        kpi=None if kpi.value is None else kpi.one_of(KPIS),
        domain=None if domain.value is None else domain.one_of(DOMAINS),
        driver=node.child("driver", optional=True).as_bool(default=False),
    )


def _parse_provenance(node: _Node) -> Provenance:
    return Provenance(
        source=node.child("source").as_str(),
        confirmed=node.child("confirmed").as_bool(),
        url=node.child("url", optional=True).opt_str(),
        note=node.child("note", optional=True).as_str(optional=True),
    )


def _expected_range(method: str, items: list[Item], node: _Node) -> tuple[float, float] | None:
    ranges = [it.score_range for it in items]
    if method == "sum":
        return (sum(r[0] for r in ranges), sum(r[1] for r in ranges))
    if method == "rescale":
        if len(set(ranges)) != 1 or ranges[0][0] >= ranges[0][1]:
            raise node.fail("rescale needs items that share one score range")
        return None
    return (min(r[0] for r in ranges), max(r[1] for r in ranges))


def _parse_scale(node: _Node, items: Mapping[str, Item], taken: set[str]) -> Scale:
    sid_node = node.child("id")
    sid = sid_node.as_str()
    if not _ID.match(sid) or sid in taken:
        raise sid_node.fail(f"must be a unique lower_snake_case id (got {sid!r})")
    taken.add(sid)
    items_node = node.child("items")
    link_ids = [n.as_str() for n in items_node.children(nonempty=True)]
    for i, link_id in enumerate(link_ids):
        if link_id not in items:
            raise items_node.child(i).fail(f"unknown item linkId {link_id!r}")
    if len(set(link_ids)) != len(link_ids):
        raise items_node.fail("items must be unique")
    rev_node = node.child("reverse", optional=True)
    reverse = [n.as_str() for n in rev_node.children()] if rev_node.value is not None else []
    for i, link_id in enumerate(reverse):
        if link_id not in link_ids or items[link_id].type != "choice":
            raise rev_node.child(i).fail(f"{link_id!r} must be a choice item of this scale")
    method = node.child("method").one_of(_METHODS)
    if method == "value" and len(link_ids) != 1:
        raise node.child("items").fail("method 'value' takes exactly one item")
    mn = node.child("min_answered")
    min_answered = int(mn.as_num()) if mn.as_num().is_integer() else 0
    if not 1 <= min_answered <= len(link_ids) or (
        method == "sum" and min_answered != len(link_ids)
    ):
        need = (
            f"{len(link_ids)} (a sum needs every item)"
            if method == "sum"
            else f"1 to {len(link_ids)}"
        )
        raise mn.fail(f"must be an integer from {need}")
    range_node = node.child("range")
    bounds = [n.as_num() for n in range_node.children()]
    if len(bounds) != 2 or bounds[0] >= bounds[1]:
        raise range_node.fail("must be [low, high] with low < high")
    expected = _expected_range(method, [items[i] for i in link_ids], node)
    if expected is not None and not all(
        math.isclose(a, b) for a, b in zip(bounds, expected, strict=True)
    ):
        raise range_node.fail(f"does not match the items' scores: expected {list(expected)}")
    cutoffs: list[Cutoff] = []
    cut_node = node.child("cutoffs", optional=True)
    for c in cut_node.children() if cut_node.value is not None else []:
        cid_node = c.child("id")
        cid = cid_node.as_str()
        if not _ID.match(cid) or cid in taken:
            raise cid_node.fail(f"must be a unique lower_snake_case id (got {cid!r})")
        taken.add(cid)
        value = c.child("value").as_num()
        if not bounds[0] <= value <= bounds[1]:
            raise c.child("value").fail(f"must lie within the scale range {bounds}")
        cutoffs.append(
            Cutoff(
                id=cid,
                label=c.child("label").as_str(),
                op=cast(Any, c.child("op").one_of(_OPS)),
                value=value,
                provenance=_parse_provenance(c),
                tags=_parse_tags(c.child("tags", optional=True)),
            )
        )
    return Scale(
        id=sid,
        label=node.child("label").as_str(),
        description=node.child("description", optional=True).as_str(optional=True),
        items=tuple(link_ids),
        reverse=tuple(reverse),
        method=cast(Any, method),
        min_answered=min_answered,
        range=(bounds[0], bounds[1]),
        higher_is_worse=node.child("higher_is_worse").as_bool(),
        rule=_parse_provenance(node.child("rule")),
        tags=_parse_tags(node.child("tags", optional=True)),
        cutoffs=tuple(cutoffs),
    )


def citation_string(citation: Citation) -> str:
    """A citation as a FHIR ``cqf-citation`` valueString: the text, then a space and the URL."""
    return f"{citation.text} {citation.url}" if citation.url else citation.text


def _check_fhir_citations(q: _Node, citations: tuple[Citation, ...]) -> None:
    """If the Questionnaire carries ``cqf-citation`` extensions, they must equal
    ``scoring.citations`` one for one, in order (formatted by :func:`citation_string`)."""
    ext = q.child("extension", optional=True)
    if ext.value is None:
        return
    found = [e.child("valueString") for e in ext.children() if e.child("url").value == CQF_CITATION]
    if not found:
        return
    expected = [citation_string(c) for c in citations]
    for i, (node, want) in enumerate(zip(found, expected, strict=False)):
        if node.as_str() != want:
            raise node.fail(
                f"cqf-citation {i + 1} must equal scoring.citations[{i}] "
                f"(text, a space, then the url): expected {want!r}"
            )
    if len(found) != len(expected):
        raise ext.fail(
            f"has {len(found)} cqf-citation entries but scoring.citations has {len(expected)}; "
            "they must match one for one, in the same order"
        )


def fhir_id(instrument_id: str) -> str:
    """FHIR ids allow ``[A-Za-z0-9-.]`` only: ``single_item_burnout`` → ``single-item-burnout``."""
    return instrument_id.replace("_", "-")


def parse_instrument(data: object, source: str = "<data>") -> Instrument:
    """Validate an instrument document (``{"questionnaire": ..., "scoring": ...}``).

    Raises :class:`InstrumentError` naming ``source`` and the offending field.
    """
    root = _Node(data, "", source)
    q, spec = root.child("questionnaire"), root.child("scoring")
    q.as_obj()
    if q.child("resourceType").value != "Questionnaire":
        raise q.child("resourceType").fail("must be 'Questionnaire'")
    iid_node = spec.child("instrument")
    iid = iid_node.as_str()
    if not _ID.match(iid):
        raise iid_node.fail(f"must be a lower_snake_case id (got {iid!r})")
    if q.child("id").value != fhir_id(iid):
        raise q.child("id").fail(f"must be {fhir_id(iid)!r} (the instrument id with '-' for '_')")
    items: dict[str, Item] = {}
    for node in q.child("item").children(nonempty=True):
        item = _parse_item(node, iid)
        if item.link_id in items:
            raise node.child("linkId").fail(f"duplicate linkId {item.link_id!r}")
        items[item.link_id] = item
    taken: set[str] = set()
    scales = tuple(
        _parse_scale(n, items, taken) for n in spec.child("scales").children(nonempty=True)
    )
    lic = spec.child("licence")
    licence = Licence(
        text=q.child("copyright").as_str(),
        url=lic.child("url", optional=True).opt_str(),
        redistribution_allowed=lic.child("redistribution_allowed").as_bool(),
        acknowledgement_required=lic.child("acknowledgement_required").as_bool(),
        commercial_use=lic.child("commercial_use").as_str(),
        confirmed=lic.child("confirmed").as_bool(),
        note=lic.child("note", optional=True).as_str(optional=True),
    )
    citations = tuple(
        Citation(c.child("text").as_str(), c.child("url", optional=True).opt_str())
        for c in spec.child("citations").children(nonempty=True)
    )
    _check_fhir_citations(q, citations)
    return Instrument(
        id=iid,
        title=q.child("title").as_str(),
        version=q.child("version").as_str(),
        description=q.child("description", optional=True).as_str(optional=True),
        validated=spec.child("validated").as_bool(),
        validation_note=spec.child("validation_note").as_str(),
        text_status=cast(Any, spec.child("text_status").one_of(_TEXT_STATUS)),
        text_note=spec.child("text_note", optional=True).as_str(optional=True),
        citations=citations,
        licence=licence,
        items=tuple(items.values()),
        scales=scales,
        questionnaire=cast(dict[str, Any], q.value),
        spec=cast(dict[str, Any], spec.value),
        source=source,
    )


def read_json(path: str | Path) -> object:
    """Read a JSON file; unreadable or invalid files raise :class:`InstrumentError` naming it."""
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentError(f"{p}: cannot read file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InstrumentError(f"{p}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            f"{p}: invalid JSON at line {exc.lineno}, column {exc.colno}"
        ) from exc


def load_instrument_file(path: str | Path) -> Instrument:
    """Read and validate one instrument file; :class:`InstrumentError` names file and field."""
    return parse_instrument(read_json(path), source=str(path))


def instrument_data(instrument: Instrument) -> dict[str, Any]:
    """The document form of an instrument (what :func:`parse_instrument` reads)."""
    return {
        "questionnaire": json.loads(json.dumps(instrument.questionnaire)),
        "scoring": json.loads(json.dumps(instrument.spec)),
    }
