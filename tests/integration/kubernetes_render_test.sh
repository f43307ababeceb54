#!/usr/bin/env bash
# deploy/k8s renders (kubectl's kustomize) into what issue #15 asks of it, per mode: a
# StatefulSet of five with parallel pod management, peers by the headless Service's names,
# a PersistentVolumeClaim per pod, probes on /health, graceful termination, the mode from a
# ConfigMap, the secret from a Secret, and a disruption budget that fits the mode. Deploying
# it needs a cluster: the GitHub workflow does that on kind. Skipped (77) without kubectl.
set -euo pipefail
ROOT=${SYSDIST_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v kubectl >/dev/null || { echo "SKIP: kubectl is not installed"; exit 77; }
for mode in ca ap cp; do
  kubectl kustomize "$ROOT/deploy/k8s/overlays/$mode" >"/tmp/sysdist-k8s-$$.yaml"
  python3 - "/tmp/sysdist-k8s-$$.yaml" "$mode" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
mode = sys.argv[2].upper()
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
def one(kind):
    assert len(by_kind.get(kind, [])) >= 1, f"no {kind}"
    return by_kind[kind][0]
sts = one("StatefulSet")["spec"]
assert sts["replicas"] == 5 and sts["podManagementPolicy"] == "Parallel", "five pods, started in parallel"
pod = sts["template"]["spec"]
c = pod["containers"][0]
env = {e["name"]: e for e in c["env"]}
assert env["SYSDIST_ADVERTISE"]["value"] == "$(POD_NAME).sysdist:3001"
assert env["SYSDIST_PEERS"]["value"].split(",") == [f"sysdist-{i}.sysdist:3001" for i in range(5)]
assert env["SYSDIST_SECRET"]["valueFrom"]["secretKeyRef"]["key"] == "SYSDIST_SECRET"
config_name = env["MODE"]["valueFrom"]["configMapKeyRef"]["name"]
config = [d for d in by_kind["ConfigMap"] if d["metadata"]["name"] == config_name]
assert config and config[0]["data"]["MODE"] == mode, f"the ConfigMap the pods read says {mode}"
secret_name = env["SYSDIST_SECRET"]["valueFrom"]["secretKeyRef"]["name"]
assert any(d["metadata"]["name"] == secret_name for d in by_kind["Secret"]), "the Secret the pods read exists"
assert c["readinessProbe"]["httpGet"]["path"] == "/health" and c["livenessProbe"]["httpGet"]["path"] == "/health"
assert pod["terminationGracePeriodSeconds"] >= 10 and pod["securityContext"]["runAsNonRoot"]
assert sts["volumeClaimTemplates"][0]["spec"]["accessModes"] == ["ReadWriteOnce"]
services = {d["metadata"]["name"]: d["spec"] for d in by_kind["Service"]}
assert services["sysdist"]["clusterIP"] == "None" and services["sysdist"]["publishNotReadyAddresses"]
assert "sysdist-client" in services
selector = sts["selector"]["matchLabels"]
assert selector and all(services[s]["selector"] == selector for s in services), "services select the pods"
pdb = one("PodDisruptionBudget")["spec"]
want = {"CP": 3, "CA": 5, "AP": 2}[mode]
assert pdb["minAvailable"] == want, f"{mode}: minAvailable {pdb['minAvailable']}, want {want}"
assert pdb["selector"]["matchLabels"] == selector
print(f"{mode}: {len(docs)} objects, PodDisruptionBudget minAvailable {want}")
PY
done
rm -f "/tmp/sysdist-k8s-$$.yaml"
