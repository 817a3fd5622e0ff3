"""WeChat cases as requests: each sealed and signed, then damaged where the case says. Pure.

A ``Plan`` says how a case differs from a valid safe-mode request: a body sent as
it is, a document sealed instead of the valid one, another key or AppID, an
Encrypt text as given, another timestamp, or no envelope at all. Everything that
is not the damage is signed correctly (``harness.wechat``), so each request
reaches the check it aims at.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.requests import Request, wechat_envelope
from harness.secrets import Secrets
from harness.wechat import aes_key, envelope_xml, message_xml, seal, sign, text_fields
from reliability.payloads.cases import Case, renders


def entity_attack(attack: str, depth: int, width: int) -> str:
    """A document with a DTD: entity expansion, external or parameter entities."""
    if attack == "billion_laughs":
        lines = ['<!ENTITY lol0 "lol">']
        for level in range(1, depth + 1):
            lines.append(f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * width + '">')
        doctype = f"<!DOCTYPE xml [{''.join(lines)}]>"
        return f'<?xml version="1.0"?>{doctype}<xml><Content>&lol{depth};</Content></xml>'
    if attack == "external_file":
        doctype = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        return doctype + "<xml><Content>&xxe;</Content></xml>"
    if attack == "external_http":
        return '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd"><xml><Content>x</Content></xml>'
    if attack == "parameter":
        doctype = '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>'
        return doctype + "<xml><Content>x</Content></xml>"
    if attack == "spaced":
        doctype = '<!  doctype xml [<!entity a "' + "A" * width * 100 + '">]>'
        return doctype + "<xml><Content>&a;</Content></xml>"
    return "<!DOCTYPE xml><xml><ToUserName>a</ToUserName></xml>"


def nested(name: str, shape: str, text: str) -> str:
    """Field ``name`` as something other than plain text: nested, repeated or with attributes."""
    value = json.dumps(text)[1:-1].replace("<", "").replace("&", "").replace("]]>", "") or "x"
    if shape == "nested":
        return f"<{name}><inner>{value}</inner></{name}>"
    if shape == "repeated":
        return f"<{name}>{value}</{name}><{name}>{value}</{name}>"
    return f'<{name} kind="x">{value}</{name}>'


@dataclass(frozen=True)
class Plan:
    """How a WeChat case becomes a request: a body sent as it is, or an envelope.

    Attributes:
        body: Sent as it is (with a correct ``signature``).
        plain: The document to seal (bytes for content that is not UTF-8).
        key: Seal with this AES key instead of the configured one.
        appid: Seal with this AppID instead of the configured one.
        encrypt: An Encrypt text to send as it is (still signed correctly).
        timestamp: Sign with this timestamp instead of the current time.
        plain_mode: Send the document unsealed, without ``encrypt_type``.
    """

    body: bytes | None = None
    plain: str | bytes | None = None
    key: bytes | None = None
    appid: str | None = None
    encrypt: str | None = None
    timestamp: str | None = None
    plain_mode: bool = False


Planner = Callable[[dict[str, Any], bytes, dict[str, Any]], Plan]


def _plan_broken_xml(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    shape = data["shape"]
    if shape == "junk":
        return Plan(body=data["text"].encode("utf-8", "surrogatepass"))
    if shape == "truncated":
        return Plan(body=valid[: int(len(valid) * data["cut"])])
    if shape == "mismatched":
        return Plan(body=valid.replace(b"</Encrypt>", b"</Encrypted>"))
    if shape == "no_root":
        return Plan(body=b"<ToUserName>a</ToUserName><Encrypt>b</Encrypt>")
    return Plan(body=b"")


def _plan_entities(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    attack = entity_attack(data["attack"], data["depth"], data["width"])
    return Plan(plain=attack) if data["sealed"] else Plan(body=attack.encode())


def _plan_huge(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    size = data["size"]
    if data["shape"] == "junk":
        return Plan(body=(b"<xml><Encrypt><![CDATA[" + b"A" * size)[:size])
    if data["shape"] == "sealed_padding":
        return Plan(body=valid.replace(b"</xml>", b"<Pad>" + b"A" * size + b"</Pad></xml>"))
    return Plan(plain=message_xml({**fields, "Content": "가" * (size // 3 + 1)}))


def _plan_missing(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    if data["blank"]:
        blanked = {k: "" if k in data["drop"] else v for k, v in fields.items()}
        return Plan(plain=message_xml(blanked))
    return Plan(plain=message_xml({k: v for k, v in fields.items() if k not in data["drop"]}))


def _plan_wrong_types(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    name = data["field"]
    if name == "Location_X":
        located = {k: v for k, v in fields.items() if k != "Content"}
        located.update(MsgType="location", Location_X=data["text"], Location_Y="x", Label="l")
        plain = message_xml(located)
        if data["shape"] != "nested":  # a word where a number belongs
            plain = plain.replace("<Location_X>", "<Location_X>n")
        return Plan(plain=plain)
    inner = "".join(
        nested(k, data["shape"], data["text"]) if k == name else message_xml({k: v})[5:-6]
        for k, v in fields.items()
    )
    return Plan(plain=f"<xml>{inner}</xml>")


def _plan_stale(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    if data["garbage"] is not None:
        return Plan(timestamp=data["garbage"])
    return Plan(timestamp=str(fields["CreateTime"] + data["offset"]))


def _plan_non_utf8(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    return Plan(plain=data["raw"]) if data["sealed"] else Plan(body=data["raw"])


def _plan_ciphertext(data: dict[str, Any], valid: bytes, fields: dict[str, Any]) -> Plan:
    return Plan(encrypt=base64.b64encode(data["raw"]).decode())


PLANS: dict[str, Planner] = {
    "broken_xml": _plan_broken_xml,
    "entity_expansion": _plan_entities,
    "bad_base64": lambda data, valid, fields: Plan(encrypt=data["encrypt"]),
    "bad_ciphertext": _plan_ciphertext,
    "wrong_key": lambda data, valid, fields: Plan(key=data["key"]),
    "wrong_appid": lambda data, valid, fields: Plan(appid=data["appid"]),
    "non_utf8": _plan_non_utf8,
    "huge": _plan_huge,
    "missing_fields": _plan_missing,
    "wrong_types": _plan_wrong_types,
    "plain_in_safe_mode": lambda data, valid, fields: Plan(plain_mode=True),
    "bad_signature": lambda data, valid, fields: Plan(),
    "stale_timestamp": _plan_stale,
}


def seal_plan(plan: Plan, secrets: Secrets, xml: str, nonce: str) -> str:
    """The Encrypt text of a plan: as given, or the plan's document sealed."""
    if plan.encrypt is not None:
        return plan.encrypt
    configured = aes_key(secrets.wechat_aes_key)
    key = configured if plan.key is None else (plan.key if plan.key != configured else bytes(32))
    appid = secrets.wechat_appid if plan.appid is None else plan.appid
    if plan.appid is not None and appid == secrets.wechat_appid:
        appid = "wxother"
    return seal(plan.plain if plan.plain is not None else xml, key, appid, nonce.encode())


@renders("wechat", *PLANS)
def render_wechat(case: Case, secrets: Secrets, nonce: str, now: int) -> Request:
    """A WeChat case as a request: sealed, signed, then damaged as the case says."""
    text = case.data.get("text") or "你好"
    fields = text_fields(secrets.wechat_account, f"oBad{nonce}", text, 1, now)
    valid_xml = message_xml(fields)
    valid_body, _ = wechat_envelope(secrets, valid_xml, nonce, now)
    plan = PLANS[case.kind](case.data, valid_body, fields)
    ts = plan.timestamp if plan.timestamp is not None else str(now)
    params = {"signature": sign(secrets.wechat_token, ts, nonce)}
    params.update(timestamp=ts, nonce=nonce)
    if plan.plain_mode:
        return Request("wechat", valid_xml.encode(), params, {}, case.kind, case.expect)
    envelope = ""
    if plan.body is not None:
        body = plan.body
    else:
        envelope = seal_plan(plan, secrets, valid_xml, nonce)
        body = envelope_xml(secrets.wechat_account, envelope).encode()
    params["encrypt_type"] = "aes"
    params["msg_signature"] = sign(secrets.wechat_token, ts, nonce, envelope)
    if case.kind == "bad_signature":
        which, given = case.data["which"], case.data["given"]
        if given is None:
            params.pop(which)
        else:
            params[which] = given if given != params[which] else given + "0"
    return Request("wechat", body, params, {}, case.kind, case.expect)
