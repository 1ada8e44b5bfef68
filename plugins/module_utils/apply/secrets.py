# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Secrets the stack needs but the build tree must never contain, made on the cluster itself.

Component roles describe them (facts ``__<component>_secrets``); no value is ever in a description:

    - name: grafana-admin               # Secret name
      namespace: monitoring
      labels: {...}                     # optional; the ownership labels are always added
      type: Opaque                      # optional (default Opaque); cannot change later
      keys:
        - key: admin-user
          variable: grafana_admin_user  # the value comes from this (vaulted) variable
        - key: admin-password
          variable: grafana_admin_password
          generate: true                # random when that variable is unset or empty
          length: 32                    # length of a generated value (16 to 128, default 32)
        - key: url
          variable: alertmanager_secret_data
          path: [am-hook, url]          # the value is variable[am-hook][url] (a mapping variable)

Rules (docs/apply.md): a key taken from a variable follows the variable, so it is updated when the
variable's value differs from the cluster's; a generated key is created once, when missing, and
never overwritten; on a rollback (keep_unset) a key whose variable is unset keeps the cluster's
value. Values never appear in results, diffs or logs.
"""

from __future__ import annotations

import secrets as random_source

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.server_side import has_changed
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import (
    GENERATED_KEYS_ANNOTATION,
    is_owned,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.secrets import (
    ALPHABET,
    DEFAULT_LENGTH,
    b64,
    check_descriptions,
    describe_secret,
    secret_body,
    variable_value,
)


def generate_value(length=DEFAULT_LENGTH):
    """A random value of letters and digits (about 5.95 bits each)."""
    return "".join(random_source.choice(ALPHABET) for _position in range(length))


def desired_secret(desc, variables, live, instance, version, generate=generate_value, keep_unset=False):
    """(Secret body, keys generated now, errors) for one description.

    keep_unset: a key whose variable is unset keeps the live value (a rollback, see ensure_secrets).
    """
    errors, generated_now, generated_keys, data = [], [], [], {}
    live_data = (live or {}).get("data") or {}
    for key in desc["keys"]:
        name = key["key"]
        variable = key.get("variable")
        value = variable_value(variables, key) if variable else None
        if key.get("generate"):
            generated_keys.append(name)  # may hold a generated value: kept like data, whatever fills it now
        if value is not None and str(value) != "":
            data[name] = b64(value)
        elif key.get("generate") or (keep_unset and name in live_data):
            if name in live_data:
                data[name] = live_data[name]
            else:
                data[name] = b64(generate(key.get("length", DEFAULT_LENGTH)))
                generated_now.append(name)
        else:
            where = "".join("[%s]" % step for step in key.get("path") or [])
            errors.append("%s key %s needs the variable %s%s; set it in the inventory (vault it: "
                          "ansible-vault encrypt_string --name %s)" % (describe_secret(desc), name, variable, where,
                                                                       variable))
    annotations = {GENERATED_KEYS_ANNOTATION: ",".join(sorted(generated_keys))} if generated_keys else None
    body = secret_body(desc, data, instance, version, annotations)
    return body, generated_now, errors


def ensure_secrets(cluster, descriptions, variables, instance, field_manager, version="", check_mode=False,
                   generate=generate_value, keep_unset=False):
    """Create or update the described Secrets; returns the module result (key names only, never values).

    keep_unset: a key whose variable is unset keeps what the cluster holds instead of failing; a
    rollback sets it, since a release records no values and its play has no role defaults.
    """
    errors = check_descriptions(descriptions)
    if errors:
        raise ValueError("The secret descriptions are not usable:\n" + "\n".join("  - " + e for e in errors))
    unique = []
    for desc in descriptions:
        if (desc["namespace"], desc["name"]) not in [(d["namespace"], d["name"]) for d in unique]:
            unique.append(desc)
    plans = []
    for desc in unique:
        live = cluster.get("v1", "Secret", desc["name"], desc["namespace"])
        where = describe_secret(desc)
        if live is not None and not is_owned(live, instance):
            errors.append("%s already exists and does not belong to this stack: rename it, remove it, or hand it "
                          "over by labelling it with the stack's ownership labels" % where)
            continue
        if live is not None and live.get("type", "Opaque") != (desc.get("type") or "Opaque"):
            errors.append("%s has type %s in the cluster and %s in its description; a Secret's type cannot change: "
                          "delete it by hand to have it made again" % (where, live.get("type"), desc.get("type")))
            continue
        body, generated_now, problems = desired_secret(desc, variables, live, instance, version, generate, keep_unset)
        errors.extend(problems)
        plans.append((desc, live, body, generated_now))
    if errors:
        raise ValueError("No Secret was written:\n" + "\n".join("  - " + e for e in errors))
    results, changed = [], False
    for desc, live, body, generated_now in plans:
        try:
            if live is None:
                action = "created"
                if not check_mode:
                    cluster.apply(body, field_manager)
            else:
                dry, _warnings = cluster.apply(body, field_manager, dry_run=True)
                action = "updated" if has_changed(live, dry, field_manager) else "unchanged"
                if action == "updated" and not check_mode:
                    cluster.apply(body, field_manager)
        except ApiError as e:
            raise ValueError("%s: the API server refuses it: %s" % (describe_secret(desc), e.message)) from e
        changed = changed or action != "unchanged"
        results.append({"namespace": desc["namespace"], "name": desc["name"], "action": action,
                        "keys": sorted(k["key"] for k in desc["keys"]),
                        "generated": sorted(generated_now)})
    retain = [{"apiVersion": "v1", "kind": "Secret", "namespace": r["namespace"], "name": r["name"]} for r in results]
    return {"changed": changed, "secrets": results, "retain": retain}
