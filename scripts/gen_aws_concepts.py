"""Generate ``models/concepts/aws-services.jsonl``: every AWS service in botocore.

Source: the ``service-2`` models shipped with botocore (``metadata``:
``serviceFullName``, ``serviceAbbreviation``, ``serviceId``, ``uid``) and the
service folder names, which are the ``aws <service>`` CLI commands. The
runtime never imports botocore; re-run this script when botocore adds
services::

    /work/venv/bin/pip install botocore wordfreq
    /work/venv/bin/python scripts/gen_aws_concepts.py

Each service becomes one concept of type ``aws-service`` with parent ``aws``
(or the service it extends, "Amazon CloudWatch Application Insights" ->
Amazon CloudWatch), its documented API reference as ``url``, and as aliases
its full name, abbreviation, "AWS <name>" and the ``aws <cli>`` command. A bare
product word is a plain alias only when it is distinctive (``GuardDuty``,
``Lightsail``); a dictionary word ("Glue", "Neptune") is an ambiguous alias
that needs an AWS context, and very common words ("Backup", "Shield") and
acronyms of two letters are left out. Services that a hand-written entry
(``aws.jsonl``) already covers are folded into it and not written again.
"""

from __future__ import annotations

import re

from _gen_common import COMMON, CONCEPTS, claims, is_distinctive, write_jsonl, zipf

from kgraph.catalogue.concepts import normalise, slugify

OUT = "aws-services.jsonl"
PREFIX_RE = re.compile(r"^(AWS|Amazon)\s*")

#: botocore's internal full names that are no product name ("AWSKendraFrontendService"),
#: mapped to the documented name, or to "=id" to fold into an existing concept
OVERRIDES = {
    "amplifybackend": "AWS Amplify Backend",
    "apigatewaymanagementapi": "Amazon API Gateway Management API",
    "apigatewayv2": "=amazon-api-gateway",
    "appfabric": "AWS AppFabric",
    "billingconductor": "AWS Billing Conductor",
    "braket": "Amazon Braket",
    "codeartifact": "AWS CodeArtifact",
    "connectcampaigns": "Amazon Connect Outbound Campaigns",
    "connectcampaignsv2": "=amazon-connect-outbound-campaigns",
    "deadline": "AWS Deadline Cloud",
    "entityresolution": "AWS Entity Resolution",
    "glacier": "=amazon-s3",
    "inspector2": "=amazon-inspector",
    "interconnect": "AWS Interconnect",
    "kendra": "Amazon Kendra",
    "m2": "AWS Mainframe Modernization",
    "mailmanager": "AWS Mail Manager",
    "mq": "Amazon MQ",
    "mwaa": "Amazon MWAA",
    "mwaa-serverless": "Amazon MWAA Serverless",
    "neptunedata": "Amazon Neptune Data API",
    "odb": "Oracle Database@AWS",
    "pca-connector-ad": "AWS Private CA Connector for Active Directory",
    "pricing-plan-manager": "AWS Pricing Plan Manager",
    "qapps": "Amazon Q Apps",
    "qbusiness": "Amazon Q Business",
    "rtbfabric": "AWS RTB Fabric",
    "savingsplans": "AWS Savings Plans",
    "schemas": "Amazon EventBridge Schema Registry",
    "securityhub": "AWS Security Hub",
    "serverlessrepo": "AWS Serverless Application Repository",
    "supportauthz": "AWS Support Authorization",
    "synthetics": "Amazon CloudWatch Synthetics",
    "wafv2": "=aws-waf",
    "elbv2": "=elastic-load-balancing",
    "kinesisanalyticsv2": "=amazon-kinesis-analytics",
    "eventbridgev2": "=amazon-eventbridge",
}
EXTRA_ALIASES = {"mwaa": ["Amazon Managed Workflows for Apache Airflow"]}


def _clean(name: str) -> str:
    name = re.sub(r"^(AWS|Amazon)(?=[A-Z])", r"\1 ", name.strip())
    if " " not in name:
        name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    name = re.sub(r"\s*\((\w+)\)$", "", name)  # "Amazon Simple Systems Manager (SSM)"
    return " ".join(name.split())


def _base(name: str) -> str:
    return PREFIX_RE.sub("", name)


def service_records() -> list[dict]:
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    out = []
    for cli in loader.list_available_services("service-2"):
        meta = loader.load_service_model(cli, "service-2")["metadata"]
        full = _clean(meta.get("serviceFullName") or meta["serviceId"])
        abbr = _clean(meta.get("serviceAbbreviation") or "")
        sid = meta.get("serviceId") or ""
        uid = meta.get("uid") or ""
        out.append({"cli": cli, "full": full, "abbr": abbr, "sid": sid, "uid": uid})
    return out


def _name(rec: dict) -> str:
    full, abbr = rec["full"], rec["abbr"]
    if abbr and PREFIX_RE.match(abbr) and len(abbr) < len(full):
        return abbr  # "Amazon EC2" rather than "Amazon Elastic Compute Cloud"
    m = re.match(r"^(AWS|Amazon) (.+?) (Service|API|Admin API)$", full)
    if m and len(m.group(2).split()) <= 2:
        return f"{m.group(1)} {m.group(2)}"  # "Amazon Transcribe Service" -> "Amazon Transcribe"
    if not PREFIX_RE.match(full) and not is_distinctive(full):
        return f"AWS {full}"  # "Service Quotas" alone is an English phrase
    return full


def build_entries() -> tuple[list[dict], dict[str, str]]:
    plain, amb, types = claims(exclude=OUT)
    taken = set(plain) | set(amb)
    recs = service_records()
    entries: list[dict] = []
    folded: dict[str, str] = {}
    ids: set[str] = set(types)
    for rec in recs:
        override = OVERRIDES.get(rec["cli"], "")
        if override.startswith("="):
            folded[rec["cli"]] = override[1:]
            continue
        name = override or _name(rec)
        if override:
            rec = {**rec, "full": override if rec["full"].count(" ") == 0 else rec["full"]}
        base = _base(name)
        prefix = name[: len(name) - len(base)].strip() or "AWS"
        forms = [name, rec["full"], rec["abbr"], f"AWS {base}", f"{prefix} {base}"]
        forms += EXTRA_ALIASES.get(rec["cli"], [])
        forms = [f for f in dict.fromkeys(forms) if f and (PREFIX_RE.match(f) or is_distinctive(f))]
        hits = [plain[normalise(f)] for f in [*forms, base] if normalise(f) in plain]
        aws_hits = [h for h in hits if types.get(h) == "aws-service" or h.startswith("aws")]
        if aws_hits:
            folded[rec["cli"]] = aws_hits[0]
            continue
        cid = slugify(name)
        if cid in ids:
            cid = slugify(f"{name} {rec['cli']}")
        if cid in ids:
            folded[rec["cli"]] = cid
            continue
        aliases = []
        for f in forms[1:]:
            if normalise(f) not in taken and normalise(f) not in {
                normalise(a) for a in [name, *aliases]
            }:
                aliases.append(f)
        cli_form = f"aws {rec['cli']}"
        if normalise(cli_form) not in taken and normalise(cli_form) != normalise(name):
            aliases.append(cli_form)
        ambiguous = []
        bare = base if base != name else ""
        if bare and normalise(bare) not in taken:
            words = bare.split()
            if is_distinctive(bare) and not (len(words) == 1 and bare.isupper()):
                if normalise(bare) not in {normalise(a) for a in aliases}:
                    aliases.append(bare)
            elif bare.isupper() and 3 <= len(bare) <= 5 and bare.isalpha():
                ambiguous.append(
                    {"alias": bare, "case": "exact", "needs": ["aws"], "cues": ["aws", "amazon"]}
                )
            elif len(words) == 1 and len(bare) > 2 and zipf(bare) < 4.0:
                if zipf(bare) < COMMON:
                    ambiguous.append(
                        {
                            "alias": bare,
                            "case": "exact",
                            "needs": ["aws"],
                            "cues": ["aws", "amazon"],
                        }
                    )
                else:
                    ambiguous.append({"alias": bare, "case": "exact", "cues": ["aws", "amazon"]})
            elif len(words) > 1:
                ambiguous.append(
                    {"alias": bare, "case": "exact", "needs": ["aws"], "cues": ["aws", "amazon"]}
                )
        keys = {normalise(a) for a in [name, *aliases]} | {normalise(r["alias"]) for r in ambiguous}
        if normalise(name) in taken:
            folded[rec["cli"]] = plain.get(normalise(name), amb.get(normalise(name), "?"))
            continue
        taken |= keys
        ids.add(cid)
        entry = {
            "id": cid,
            "name": name,
            "type": "aws-service",
            "aliases": aliases,
            "parents": ["aws"],
        }
        if rec["uid"]:
            entry["url"] = f"https://docs.aws.amazon.com/goto/WebAPI/{rec['uid']}"
        if ambiguous:
            entry["ambiguous"] = ambiguous
        entries.append(entry)
    # a service that extends another ("Amazon CloudWatch Application Insights")
    # rolls up to it; hand-written services count too
    names = {normalise(_base(e["name"])): e["id"] for e in entries}
    for key, cid in plain.items():
        if types.get(cid) == "aws-service":
            names.setdefault(key, cid)
    for e in entries:
        words = normalise(_base(e["name"])).split()
        for size in range(len(words) - 1, 0, -1):
            head = " ".join(words[:size])
            for cand in (head, f"amazon {head}", f"aws {head}"):
                parent = names.get(cand)
                if parent and parent != e["id"]:
                    e["parents"] = [parent]
                    break
            else:
                continue
            break
    return entries, folded


def main() -> None:
    import botocore

    entries, folded = build_entries()
    header = (
        f"generated by scripts/gen_aws_concepts.py from botocore {botocore.__version__} service "
        f"metadata ({len(entries)} services; {len(folded)} folded into hand-written entries in "
        "aws.jsonl). Do not edit: change the script or aws.jsonl and re-run it."
    )
    write_jsonl(CONCEPTS / OUT, header, entries)
    print(f"wrote {len(entries)} services to {CONCEPTS / OUT}; folded: {sorted(folded.items())}")


if __name__ == "__main__":
    main()
