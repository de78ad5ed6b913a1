"""Demo service definitions: two categories of every demo municipality ask Open311 clients for more.

No demo API keys: keys are secrets; make one with `veche open311 key create`.
"""

from typing import Any, TextIO

from veche.municipalities.models import Category
from veche.open311.models import ServiceAttribute

DEFINITIONS: dict[str, list[dict[str, Any]]] = {
    "pothole": [
        {
            "code": "depth",
            "datatype": "number",
            "required": True,
            "order": 1,
            "description": "Глубина ямы, см / Depth of the pothole, cm",
            "datatype_description": "0–100",
        },
        {
            "code": "location_type",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 2,
            "description": "Где яма / Where is it",
            "values": [
                {"key": "road", "name": "Проезжая часть / Road"},
                {"key": "sidewalk", "name": "Тротуар / Sidewalk"},
                {"key": "yard", "name": "Двор / Courtyard"},
            ],
        },
    ],
    "street-light": [
        {
            "code": "problem",
            "datatype": "singlevaluelist",
            "required": True,
            "order": 1,
            "description": "Что с фонарём / What is wrong with the light",
            "values": [
                {"key": "out", "name": "Не горит / Out"},
                {"key": "flickering", "name": "Мигает / Flickering"},
                {"key": "daytime", "name": "Горит днём / On in daytime"},
                {"key": "damaged", "name": "Повреждён столб / Damaged pole"},
            ],
        },
        {
            "code": "pole_number",
            "datatype": "string",
            "required": False,
            "order": 2,
            "description": "Номер опоры / Number on the pole",
        },
    ],
}


def load(stdout: TextIO) -> None:
    added = 0
    for category in Category.objects.filter(slug__in=DEFINITIONS):
        for fields in DEFINITIONS[category.slug]:
            values = {name: value for name, value in fields.items() if name != "code"}
            _attribute, created = ServiceAttribute.objects.get_or_create(
                category=category, code=fields["code"], defaults=values
            )
            added += created
    stdout.write(f"  {added} Open311 service attributes" if added else "  Open311 definitions already loaded")
