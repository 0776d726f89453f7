"""Registering users with a password and verifying passwords (tokens come with the HTTP shell)."""

from __future__ import annotations

from application.admin import AdminService
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidCredentials, InvalidInput
from domain.users import Role, User, normalize_email

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def check_password_strength(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            field="password",
            code="weak_password",
        )


class AuthService:
    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, admin: AdminService) -> None:
        self._uow = uow
        self._hasher = hasher
        self._admin = admin
        self._dummy_hash: str | None = None

    async def register(
        self, tenant_id: str, email: str, password: str, *, display_name: str = "", role: Role = Role.MEMBER
    ) -> User:
        check_password_strength(password)
        return await self._admin.create_user(
            tenant_id, email, display_name=display_name, role=role, password_hash=self._hasher.hash(password)
        )

    async def verify_password(self, tenant_id: str, email: str, password: str) -> User:
        """The user, or `InvalidCredentials` alike (and alike in timing) for an unknown email or a wrong password."""
        try:
            email = normalize_email(email)
        except InvalidInput:
            raise InvalidCredentials() from None
        async with self._uow() as uow:
            user = await uow.users.get_by_email(tenant_id, email)
            if user is None or user.password_hash is None or not user.is_active:
                self._hasher.verify(self._dummy(), password)
                raise InvalidCredentials()
            if not self._hasher.verify(user.password_hash, password):
                raise InvalidCredentials()
            if self._hasher.needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
                await uow.users.update(user)
                await uow.commit()
            return user

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not a real password")
        return self._dummy_hash
