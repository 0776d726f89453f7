"""Tenant admin controllers (role `admin`; 403 `forbidden` otherwise)."""
