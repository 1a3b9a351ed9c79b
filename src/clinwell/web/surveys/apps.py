from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "clinwell.web.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def records_holding(self, organization: object, field: str, key: str) -> dict[str, int]:
        """For ``orgs``: survey records holding a roster choice (``role`` or ``tenure_band``).

        ``invitations``: people invited with it (open waves' invitations and closed waves'
        counts); ``response waves``: waves whose sealed responses hold it.
        """
        from clinwell.web.surveys.services.usage import records_holding

        return records_holding(organization, field, key)
