"""Handing a generated file to the user's browser."""

import base64

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_action(record, name, data, mimetype=XLSX_MIMETYPE):
    """Attach ``data`` (bytes) to ``record`` (a wizard, as the user: the attachment's access is
    the record's) as ``name`` and return the action that downloads it."""
    attachment = record.env["ir.attachment"].create(
        {
            "name": name,
            "datas": base64.b64encode(data),
            "res_model": record._name,
            "res_id": record.id,
            "mimetype": mimetype,
        }
    )
    return {
        "type": "ir.actions.act_url",
        "url": f"/web/content/{attachment.id}?download=true",
        "target": "self",
    }
