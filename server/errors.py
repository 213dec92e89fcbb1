"""Field errors in the one shape SPEC §4 gives them, free of HTTP: shared by the API and the sync push."""


def flatten_errors(messages, prefix="") -> dict:
    """marshmallow errors as {field: [text]}; nested ones (delivery lines) as "lines.0.product"."""
    out = {}
    for name, value in messages.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(flatten_errors(value, key + "."))
        else:
            out[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return out
