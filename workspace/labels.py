"""Labels of a kind (statuses, roles, levels) translated once for a page, not once per row: a
lazy label is translated again each time it is shown."""


def translated(labels: dict) -> dict[str, str]:
    return {key: str(label) for key, label in labels.items()}
