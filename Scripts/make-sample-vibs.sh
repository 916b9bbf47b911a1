#!/usr/bin/env bash
# Builds the sample VIBs of Images/demo-host/vibs/ and the signed profile Manifests/demo-host.profile.json
# (+ .p7s) from the sources in Images/src/vibs/ and the DEMO key chain in Keys/demo/.
#
#   Scripts/make-sample-vibs.sh HOSTATTEST_BIN
#
# Needs: Keys/demo/ (from `hostattest keys init`: vib-{certified,accepted,partner}-{ca,signer}.{crt,key}.pem,
# profile-signer.{crt,key}.pem, profile-ca.crt.pem, vib-root-ca.crt.pem, trust.json) and the boot files Images/demo-host/{bootx64.efi,kernel.efi,boot.cfg}.
# The script rewrites the `modules=` line of the image's boot.cfg to load the sample VIBs in boot order.
# Every VIB in the image is signed at its declared level (certified, accepted or partner), so the image
# verifies on a `partner` host. The community VIB (unsigned) is written to $EXTRA (default out/sample-vibs/)
# to show the refusal: `hostattest verify vib out/sample-vibs/community-tools.vib --trust Keys/demo/trust.json`
# exits 1 with vib.acceptance-below-host.
# Overridable: KEYS, IMAGE, MANIFESTS, EXTRA. The demo keys are DEMO-ONLY: never trust them on a real host.
set -euo pipefail

BIN=${1:?usage: $0 HOSTATTEST_BIN}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEYS=${KEYS:-$ROOT/Keys/demo}
SRC=$ROOT/Images/src/vibs
IMAGE=${IMAGE:-$ROOT/Images/demo-host}
MANIFESTS=${MANIFESTS:-$ROOT/Manifests}
EXTRA=${EXTRA:-$ROOT/out/sample-vibs}
TRUST=$KEYS/trust.json

for f in "$TRUST" "$KEYS/vib-certified-signer.key.pem" "$KEYS/profile-signer.key.pem" "$IMAGE/bootx64.efi" "$IMAGE/kernel.efi" "$IMAGE/boot.cfg"; do
    [ -f "$f" ] || { echo "make-sample-vibs: missing $f (run \`hostattest keys init\` and build the boot images first)" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$IMAGE/vibs" "$MANIFESTS" "$EXTRA"
rm -f "$IMAGE"/vibs/*.vib

# Reads one value from a descriptor: element text, or an attribute of <payload>.
element() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$2" | head -n1; }
payload_attr() { sed -n "s:.*<payload [^>]*$1=\"\([^\"]*\)\".*:\1:p" "$2" | head -n1; }

for dir in "$SRC"/*/; do
    vib=$(basename "$dir")
    descriptor=$dir/descriptor.xml
    level=$(element acceptance-level "$descriptor")
    payload=$(payload_attr name "$descriptor")
    # Payload: a reproducible gzip'd tar of payload/ (a real vgz holds a vmtar; hostattest treats payloads as opaque gzip streams).
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/payload" -cf - . | gzip -n -9 > "$WORK/$payload"
    "$BIN" vib build --descriptor "$descriptor" --payload "$WORK/$payload" -o "$WORK/$vib.vib" >/dev/null
    if [ "$level" = community ]; then
        cp "$WORK/$vib.vib" "$EXTRA/$vib.vib"
        echo "built $EXTRA/$vib.vib (community, unsigned: refused by a partner host)"
        continue
    fi
    "$BIN" vib sign "$WORK/$vib.vib" --key "$KEYS/vib-$level-signer.key.pem" --cert "$KEYS/vib-$level-signer.crt.pem" \
        --chain "$KEYS/vib-$level-ca.crt.pem" -o "$IMAGE/vibs/$vib.vib" >/dev/null
    "$BIN" verify vib "$IMAGE/vibs/$vib.vib" --trust "$TRUST" --deep >/dev/null
    echo "built $IMAGE/vibs/$vib.vib ($level)"
done

# boot.cfg loads the VIBs in this order (the profile records the same order).
ORDER="esx-base-demo net-demo-nic storage-demo-hba esx-ui-demo partner-agent-demo"
modules=$(for v in $ORDER; do printf 'vibs/%s.vib --- ' "$v"; done)
sed -i "s|^modules=.*|modules=${modules% --- }|" "$IMAGE/boot.cfg"
grep -q '^modules=' "$IMAGE/boot.cfg" || echo "modules=${modules% --- }" >> "$IMAGE/boot.cfg"

PROFILE=$MANIFESTS/demo-host.profile.json
"$BIN" profile create "$IMAGE" -o "$PROFILE" --name demo-host --version 1.0.0 --host-acceptance partner
# Profiles have their own signing role: profile-signer (issued by profile-ca, its own EKU), anchored at `profile`.
"$BIN" profile sign "$PROFILE" --key "$KEYS/profile-signer.key.pem" --cert "$KEYS/profile-signer.crt.pem" \
    --chain "$KEYS/profile-ca.crt.pem" -o "$PROFILE.p7s"
"$BIN" verify image "$IMAGE" --profile "$PROFILE" --trust "$TRUST"

# The refusal the demo shows: a community VIB on a partner host.
if "$BIN" verify vib "$EXTRA/community-tools.vib" --trust "$TRUST" >/dev/null; then
    echo "make-sample-vibs: the community VIB unexpectedly verified on a partner host" >&2
    exit 1
fi
echo "as expected, $EXTRA/community-tools.vib is refused on a partner host (vib.acceptance-below-host)"
