"""A default sales pipeline with its stages, the usual moves and a few close reasons."""

from django.db import migrations

STAGES = [
    # name_ko, name_en, probability, kind
    ("발굴", "Qualification", 10, "open"),
    ("요구 분석", "Needs analysis", 25, "open"),
    ("제안", "Proposal", 50, "open"),
    ("협상", "Negotiation", 75, "open"),
    ("수주", "Won", 100, "won"),
    ("실주", "Lost", 0, "lost"),
]
REASONS = [
    ("won", "가격 경쟁력", "Price"),
    ("won", "제품 적합성", "Product fit"),
    ("won", "관계", "Relationship"),
    ("lost", "가격", "Price"),
    ("lost", "경쟁사 선택", "Chose a competitor"),
    ("lost", "예산 없음", "No budget"),
    ("lost", "응답 없음", "No response"),
]


def create(apps, schema_editor):
    Pipeline = apps.get_model("sales", "Pipeline")
    Stage = apps.get_model("sales", "Stage")
    StageTransition = apps.get_model("sales", "StageTransition")
    CloseReason = apps.get_model("sales", "CloseReason")
    pipeline = Pipeline.objects.create(name_ko="기본 영업", name_en="Sales", is_default=True)
    stages = [
        Stage.objects.create(
            pipeline=pipeline, name_ko=ko, name_en=en, position=i + 1, probability=p, kind=kind
        )
        for i, (ko, en, p, kind) in enumerate(STAGES)
    ]
    open_stages = [s for s in stages if s.kind == "open"]
    closed = [s for s in stages if s.kind != "open"]
    moves = [(a, b) for a in open_stages for b in open_stages if a != b]
    moves += [(a, b) for a in open_stages for b in closed]
    # A closed deal can be reopened into its last open stage.
    moves += [(b, open_stages[-1]) for b in closed]
    for a, b in moves:
        StageTransition.objects.create(pipeline=pipeline, from_stage=a, to_stage=b)
    for kind, ko, en in REASONS:
        CloseReason.objects.create(kind=kind, label_ko=ko, label_en=en)


def remove(apps, schema_editor):
    apps.get_model("sales", "CloseReason").objects.all().delete()
    apps.get_model("sales", "Pipeline").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_pipelines_opportunities")]
    operations = [migrations.RunPython(create, remove)]
