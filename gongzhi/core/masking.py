"""Mask personal data on the server (DOMAIN.md §5): 张*三 style names, 138****1234 phones."""


def mask_name(name: str) -> str:
    """Return the name with everything but its first character (and last, if 3+) hidden."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """Return a phone number with its middle digits hidden: 138****1234."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
