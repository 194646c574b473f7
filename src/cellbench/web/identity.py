"""Who is asking: organisations, users (argon2 password hashes), roles, API tokens and browser sessions.

Secrets (API tokens, session cookies) are random 32-byte strings shown once; the database keeps only their
SHA-256 digests, so a copy of the database lets no one log in.

>>> from cellbench.store import Store
>>> import tempfile; folder = tempfile.mkdtemp()
>>> with Store.open(f"sqlite:///{folder}/cb.db", data_dir=folder) as store, store.session() as db:
...     org = create_organisation(db, "Acme Cathodes")
...     user = create_user(db, "ada@acme.example", "correct horse battery", "Acme Cathodes", role="org_admin")
...     token = create_token(db, "ada@acme.example", "nightly upload")
...     principal_from_token(db, token).email
'ada@acme.example'
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cellbench.errors import InputError, NotFound
from cellbench.store.models import Organisation, User, utc_now
from cellbench.store.platform import ROLES, ApiToken, ConsortiumMember, Consortium, WebSession

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# A fixed hash to verify against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("no such user: constant-time refusal")


@dataclass(frozen=True)
class Principal:
    """An authenticated user as the access rules see them."""

    user_id: int
    email: str
    name: str
    role: str
    organisation_id: int
    organisation: str
    consortium_ids: frozenset[int] = field(default_factory=frozenset)
    csrf_token: str | None = None   # set for browser sessions; API tokens need none

    @property
    def is_org_admin(self) -> bool:
        return self.role in ("org_admin", "site_admin")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", location="password")
    return _hasher.hash(password)


# -- administration (what `cellbench admin` calls) ----------------------------------------------------------
def create_organisation(db: Session, name: str) -> Organisation:
    name = name.strip()
    if not name:
        raise InputError("an organisation needs a name", location="name")
    if db.scalar(select(Organisation).where(Organisation.name == name)) is not None:
        raise InputError(f"organisation '{name}' already exists", location="name")
    org = Organisation(name=name)
    db.add(org)
    db.commit()
    return org


def organisation(db: Session, name: str) -> Organisation:
    org = db.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise NotFound(f"no organisation named '{name}'", location="organisation")
    return org


def create_user(db: Session, email: str, password: str, organisation_name: str, *, role: str = "member",
                name: str | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise InputError(f"'{email}' is not an e-mail address", location="email")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not '{role}'", location="role")
    org = organisation(db, organisation_name)
    user = User(name=name or email.split("@")[0], email=email, password_hash=hash_password(password), role=role,
                organisation_id=org.id)
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise InputError(f"a user with e-mail {email} already exists", location="email") from None
    return user


def create_consortium(db: Session, name: str, members: list[str]) -> Consortium:
    consortium = Consortium(name=name.strip())
    db.add(consortium)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise InputError(f"consortium '{name}' already exists", location="name") from None
    for member in members:
        db.add(ConsortiumMember(consortium_id=consortium.id, organisation_id=organisation(db, member).id))
    db.commit()
    return consortium


def create_token(db: Session, email: str, name: str) -> str:
    """A new API token for a user; the token itself is returned once and never stored."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}", location="email")
    token = "cbt_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, name=name, token_sha256=digest(token)))
    db.commit()
    return token


# -- authentication ------------------------------------------------------------------------------------------
def principal_for_user(db: Session, user: User, csrf_token: str | None = None) -> Principal:
    org = db.get(Organisation, user.organisation_id)
    consortia = db.scalars(select(ConsortiumMember.consortium_id)
                           .where(ConsortiumMember.organisation_id == user.organisation_id)).all()
    return Principal(user_id=user.id, email=user.email or "", name=user.name, role=user.role,
                     organisation_id=org.id, organisation=org.name, consortium_ids=frozenset(consortia),
                     csrf_token=csrf_token)


def check_password(db: Session, email: str, password: str) -> User | None:
    """The user whose e-mail and password match, else None (same work either way)."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.password_hash else None


def principal_from_token(db: Session, token: str) -> Principal | None:
    row = db.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest(token), ApiToken.revoked.is_(False)))
    if row is None:
        return None
    return principal_for_user(db, db.get(User, row.user_id))


def open_session(db: Session, user: User) -> tuple[str, str]:
    """A new browser session: (cookie value, CSRF token)."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    db.add(WebSession(user_id=user.id, token_sha256=digest(cookie), csrf_token=csrf,
                      expires_at=utc_now() + SESSION_LIFETIME))
    db.commit()
    return cookie, csrf


def principal_from_session(db: Session, cookie: str) -> Principal | None:
    row = db.scalar(select(WebSession).where(WebSession.token_sha256 == digest(cookie)))
    if row is None or row.expires_at < datetime.now(timezone.utc):
        return None
    return principal_for_user(db, db.get(User, row.user_id), csrf_token=row.csrf_token)


def close_session(db: Session, cookie: str) -> None:
    row = db.scalar(select(WebSession).where(WebSession.token_sha256 == digest(cookie)))
    if row is not None:
        db.delete(row)
        db.commit()
