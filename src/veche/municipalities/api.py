"""API of municipalities: the list, and one municipality with its districts and categories."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from veche.access.functions import access_municipality
from veche.api.schemas import ERRORS
from veche.municipalities.selectors import municipalities_active

router = Router(tags=["municipalities"])


class Names(Schema):
    """`name` in the request's language (Russian where no English one is given), and both as given."""

    name: str
    name_ru: str
    name_en: str

    @staticmethod
    def resolve_name_en(obj: Any) -> str:
        return obj.name_en or ""


class MunicipalityOut(Names):
    slug: str
    region: str
    population: int | None
    latitude: float
    longitude: float
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return f"/m/{obj.slug}/"


class DistrictOut(Names):
    slug: str
    polygon: dict[str, Any] | None


class DepartmentOut(Names):
    id: int


class CategoryOut(Names):
    slug: str
    # In the request's language, as `name`.
    description: str
    department_id: int
    moderation_days: int
    answer_days: int
    photo_required: bool
    season_start: int | None
    season_end: int | None


class MunicipalityDetailOut(MunicipalityOut):
    districts: list[DistrictOut]
    departments: list[DepartmentOut]
    categories: list[CategoryOut]

    @staticmethod
    def resolve_districts(obj: Any) -> Any:
        return list(obj.districts.all())

    @staticmethod
    def resolve_departments(obj: Any) -> Any:
        return list(obj.departments.all())

    @staticmethod
    def resolve_categories(obj: Any) -> Any:
        return list(obj.categories.filter(is_active=True))


@router.get("/municipalities", response=list[MunicipalityOut])
def municipality_list(request: HttpRequest) -> Any:
    """Every active municipality of this installation."""
    return municipalities_active()


@router.get("/municipalities/{slug}", response={200: MunicipalityDetailOut, **ERRORS})
def municipality_detail(request: HttpRequest, slug: str) -> Any:
    return access_municipality(request.user, slug)
