"""Run the test provider: migrate, create its people and clients (JSON in the environment),
then serve on 127.0.0.1 until killed. Prints ``ready`` when it accepts connections."""

from __future__ import annotations

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.web.orgs.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in json.loads(os.environ["OIDC_TEST_PEOPLE"]):
        User.objects.create_user(
            person["username"], person["email"], person["password"], first_name=person["name"]
        )
    for client in json.loads(os.environ["OIDC_TEST_CLIENTS"]):
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    server = make_server(
        "127.0.0.1", int(os.environ["OIDC_TEST_PORT"]), get_wsgi_application(), handler_class=_Quiet
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main()
