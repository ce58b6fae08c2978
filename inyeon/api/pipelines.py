"""/api/v1/pipelines: every pipeline with its stages, moves and the close reasons; admins create and
reshape them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.sales import PipelineIn, PipelineList, PipelineOut
from inyeon.core.audit import client_ip
from inyeon.sales import selectors, services
from inyeon.sales.models import Pipeline

router = Router(tags=["pipelines"])


def pipeline_body(p: Pipeline) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name_ko": p.name_ko,
        "name_en": p.name_en,
        "is_default": p.is_default,
        "active": p.active,
        "stages": [
            {
                "id": s.pk,
                "name_ko": s.name_ko,
                "name_en": s.name_en,
                "position": s.position,
                "probability": s.probability,
                "kind": s.kind,
            }
            for s in sorted(p.stages.all(), key=lambda s: s.position)
        ],
        "transitions": [
            {"from_stage_id": t.from_stage_id, "to_stage_id": t.to_stage_id} for t in p.transitions.all()
        ],
    }


@router.get("", response={200: PipelineList}, summary="Pipelines with stages, moves and close reasons")
def list_pipelines(request: HttpRequest) -> dict[str, Any]:
    actor(request)
    return {
        "items": [pipeline_body(p) for p in selectors.pipelines_all()],
        "close_reasons": [
            {"id": r.pk, "kind": r.kind, "label_ko": r.label_ko, "label_en": r.label_en, "active": r.active}
            for r in selectors.close_reasons(active_only=False)
        ],
    }


def _data(payload: PipelineIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_none=True)
    data["stages"] = [s.model_dump() for s in payload.stages]
    data["transitions"] = [list(t) for t in payload.transitions]
    return data


@router.post("", response={201: PipelineOut, **problems(403, 422)}, summary="Create a pipeline (admins)")
def create_pipeline(request: HttpRequest, payload: PipelineIn, response: HttpResponse) -> Status[Any]:
    created = services.pipeline_save(
        pipeline=None, data=_data(payload), actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"pipelines/{created.pk}")
    return Status(201, pipeline_body(selectors.pipelines_all().get(pk=created.pk)))


@router.get("/{pipeline_id}", response={200: PipelineOut, **problems(404)}, summary="One pipeline")
def get_pipeline(request: HttpRequest, pipeline_id: int) -> dict[str, Any]:
    actor(request)
    return pipeline_body(selectors.pipelines_all().get(pk=pipeline_id))


@router.put(
    "/{pipeline_id}",
    response={200: PipelineOut, **problems(403, 404, 422)},
    summary="Reshape a pipeline (admins)",
)
def update_pipeline(request: HttpRequest, pipeline_id: int, payload: PipelineIn) -> dict[str, Any]:
    """The body is the whole shape: stages left out are deleted (refused while in use) and the
    transitions replace the old ones."""
    pipeline = selectors.pipeline_get(pipeline_id)
    services.pipeline_save(
        pipeline=pipeline, data=_data(payload), actor=actor(request), ip=client_ip(request)
    )
    return pipeline_body(selectors.pipelines_all().get(pk=pipeline_id))
