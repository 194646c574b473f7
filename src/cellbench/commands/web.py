"""`cellbench serve` (the web app and API) and `cellbench admin ...` (organisations, users, tokens, consortia)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    admin = typer.Typer(help="Create organisations, users, API tokens and consortia for the web platform.",
                        no_args_is_help=True)
    admin.command("organisation")(admin_organisation)
    admin.command("user")(admin_user)
    admin.command("token")(admin_token)
    admin.command("consortium")(admin_consortium)
    app.add_typer(admin, name="admin")


def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
          port: int = typer.Option(8000, "--port", min=1, max=65535),
          workers: int = typer.Option(1, "--workers", min=1, max=64,
                                      help="Server processes (about one per CPU core); they share the store."),
          max_upload_mb: float = typer.Option(200.0, "--max-upload-mb", min=0.001, help="Largest upload accepted."),
          body_timeout_s: float = typer.Option(30.0, "--body-timeout", min=0.1,
                                               help="Seconds a request body may send nothing before it is "
                                                    "answered 408."),
          secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Behind HTTPS: cookies only over TLS."),
          trusted_proxy: Optional[list[str]] = typer.Option(
              None, "--trusted-proxy", help="Address of a reverse proxy whose X-Forwarded-Proto/-For are believed "
                                            "(repeatable): its https requests get Secure cookies."),
          access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
          safety_definitions: Optional[list[str]] = typer.Option(
              None, "--safety-definitions", help="The platform's own safety test definitions (file or folder; "
                                                 "repeatable), beside the built-in IEC 62660-2/-3 ones.")
          ) -> None:
    """Serve the web pages and /api/v1 (OpenAPI at /docs) over the store ($CELLBENCH_DATABASE_URL)."""
    import os

    from cellbench.store import Store
    from cellbench.web import server
    from cellbench.safety import load_catalogue
    from cellbench.web.app import (BODY_TIMEOUT_ENV, MAX_UPLOAD_MB_ENV, SAFETY_DEFINITIONS_ENV, SECURE_COOKIES_ENV,
                                   TRUSTED_PROXIES_ENV)

    # Open the store once here: a wrong URL is one clear message rather than one per worker, and the schema is
    # migrated before several processes start at once. Likewise a wrong safety definition file.
    Store.open().close()
    load_catalogue(list(safety_definitions or []))
    os.environ[SAFETY_DEFINITIONS_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in safety_definitions or [])
    # Each worker process builds its own app from the import string, so the settings travel in the environment.
    os.environ[MAX_UPLOAD_MB_ENV] = repr(max_upload_mb)
    os.environ[BODY_TIMEOUT_ENV] = repr(body_timeout_s)
    os.environ[SECURE_COOKIES_ENV] = "1" if secure_cookies else "0"
    os.environ[TRUSTED_PROXIES_ENV] = ",".join(trusted_proxy or [])
    server.run(host=host, port=port, workers=workers, access_log=access_log)


def _store():
    from cellbench.store import Store

    return Store.open()


def admin_organisation(name: str = typer.Argument(..., help="Organisation name, as users will see it."),
                       as_json: bool = typer.Option(False, "--json")) -> None:
    """Create an organisation."""
    from cellbench.terminal import console, print_json
    from cellbench.web.identity import create_organisation

    with _store() as store, store.session() as db:
        org = create_organisation(db, name)
        result = {"id": org.id, "organisation": org.name}
    print_json(result) if as_json else console.print(f"organisation {result['id']}: {result['organisation']}")


def admin_user(email: str = typer.Argument(...),
               organisation: str = typer.Option(..., "--organisation", help="The user's organisation."),
               role: str = typer.Option("member", "--role", help="member, org_admin, evaluator or site_admin."),
               name: Optional[str] = typer.Option(None, "--name"),
               password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                            confirmation_prompt=True, envvar="CELLBENCH_NEW_PASSWORD",
                                            help="Prompted for when not given (or $CELLBENCH_NEW_PASSWORD)."),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Create a user who logs in with e-mail and password (stored as an argon2 hash)."""
    from cellbench.terminal import console, print_json
    from cellbench.web.identity import create_user

    with _store() as store, store.session() as db:
        user = create_user(db, email, password, organisation, role=role, name=name)
        result = {"id": user.id, "email": user.email, "organisation": organisation, "role": user.role}
    if as_json:
        print_json(result)
    else:
        console.print(f"user {result['id']}: {result['email']} ({result['role']} of {organisation})", highlight=False)


def admin_token(email: str = typer.Argument(...), name: str = typer.Option("script", "--name", help="What it is for."),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Create an API token for a user (printed once; send it as `Authorization: Bearer TOKEN`)."""
    from cellbench.terminal import console, print_json
    from cellbench.web.identity import create_token

    with _store() as store, store.session() as db:
        token = create_token(db, email, name)
    if as_json:
        print_json({"email": email, "name": name, "token": token})
    else:
        console.print(token, highlight=False)


def admin_consortium(name: str = typer.Argument(...),
                     member: list[str] = typer.Option(..., "--member", help="A member organisation (repeat)."),
                     as_json: bool = typer.Option(False, "--json")) -> None:
    """Create a pre-competitive consortium of organisations (for the consortium access tier)."""
    from cellbench.terminal import console, print_json
    from cellbench.web.identity import create_consortium

    with _store() as store, store.session() as db:
        consortium = create_consortium(db, name, member)
        result = {"id": consortium.id, "consortium": consortium.name, "members": member}
    print_json(result) if as_json else console.print(f"consortium {result['id']}: {name} ({', '.join(member)})")
