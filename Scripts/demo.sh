#!/usr/bin/env bash
# The hostattest signed-boot-chain walk-through that `make walkthrough` runs (`make demo` runs
# `hostattest demo`, the end-to-end demo with the server):
#
#   Scripts/demo.sh HOSTATTEST_BIN
#
# Makes a fresh signing key chain, builds and signs the sample boot images with it, inspects and
# verifies them, then shows that a tampered image and a revoked (dbx) image are refused. Then it
# verifies VIBs and the committed sample host image against its signed profile, and shows a
# community VIB, a VIB key signing a profile, a tampered VIB payload and a missing VIB refused. Every step
# says what it expects; the script checks each exit code and ends with a summary. Runs unattended
# (no standard input) and exits non-zero if any step did not behave as expected.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: Scripts/demo.sh HOSTATTEST_BIN   (the built hostattest executable)" >&2
  exit 2
fi
HOSTATTEST="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/hostattest-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
exec </dev/null

if [ -t 1 ]; then bold=$'\e[1m'; green=$'\e[32m'; red=$'\e[31m'; plain=$'\e[0m'; else bold=""; green=""; red=""; plain=""; fi
steps=0
failed=0
failures=()

# step TITLE: prints a numbered header.
step() {
  steps=$((steps + 1))
  printf '\n%s== Step %d: %s ==%s\n' "$bold" "$steps" "$1" "$plain"
}

# expect CODE WHAT COMMAND...: runs COMMAND, shows its output indented, checks the exit code.
# The output stays in $out for further checks.
out=""
expect() {
  local want="$1" what="$2" status
  shift 2
  printf '$ %s\n' "$(printf '%q ' "$@" | sed "s#$work#\$WORK#g; s#$root/##g")"
  out="$("$@" 2>&1)"
  status=$?
  printf '%s\n' "$out" | sed "s#$work#\$WORK#g; s/^/    /"
  if [ "$status" -eq "$want" ]; then
    printf '%s  ✓ %s (exit %d, as expected)%s\n' "$green" "$what" "$status" "$plain"
    return 0
  fi
  printf '%s  ✗ %s: exit %d, expected %d%s\n' "$red" "$what" "$status" "$want" "$plain"
  failed=$((failed + 1))
  failures+=("step $steps: $what (exit $status, expected $want)")
  return 1
}

# check CONDITION-TEXT COMMAND...: an extra assertion inside the current step.
check() {
  local what="$1"
  shift
  if "$@"; then
    printf '%s  ✓ %s%s\n' "$green" "$what" "$plain"
  else
    printf '%s  ✗ %s%s\n' "$red" "$what" "$plain"
    failed=$((failed + 1))
    failures+=("step $steps: $what")
  fi
}

contains() { printf '%s' "$out" | grep -q -- "$1"; }

# Little-endian unsigned integer of WIDTH bytes at OFFSET in FILE.
le() {
  local file="$1" offset="$2" width="$3" value=0 i
  local -a bytes
  read -r -a bytes <<<"$(od -An -tu1 -j "$offset" -N "$width" "$file")"
  for ((i = width - 1; i >= 0; i--)); do value=$((value * 256 + bytes[i])); done
  echo "$value"
}

# File offset of the first section's raw data (.text) of a PE image (PE/COFF spec, 3.3 and 4).
text_offset() {
  local file="$1" pe optional_size
  pe="$(le "$file" 60 4)"
  optional_size="$(le "$file" $((pe + 20)) 2)"
  le "$file" $((pe + 24 + optional_size + 20)) 4
}

# Flips (XOR 0xff) one byte of FILE at OFFSET.
flip_byte() {
  local file="$1" offset="$2" byte
  byte="$(od -An -tu1 -j "$offset" -N1 "$file" | tr -d ' ')"
  printf "$(printf '\\%03o' $(((byte ^ 0xff) & 0xff)))" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
}

echo "${bold}hostattest demo: signed boot chain${plain}"
echo "binary: $HOSTATTEST"
echo "work folder: \$WORK = $work (removed at the end)"

# --------------------------------------------------------------------------------------------------
step "create a fresh signing key chain (keys init)"
keys="$work/keys"
expect 0 "key chain created" "$HOSTATTEST" keys init --out "$keys" --organization "hostattest demo run"
check "private keys are mode 0600" test "$(stat -c %a "$keys/platform-root.key.pem" 2>/dev/null)" = 600
check "trust.json names the anchors" grep -q '"platform": \["platform-root.crt.pem"\]' "$keys/trust.json"

# --------------------------------------------------------------------------------------------------
step "build the sample boot images and sign them with the new chain"
host="$work/host"
echo "bootx64.efi: signed by platform-root (UEFI db role), carries boot-vendor-ca in .vendor_cert"
echo "kernel.efi:  signed by kernel-signer (issued by boot-vendor-ca)"
if ! expect 0 "boot images built and signed" bash "$root/Scripts/make-boot-images.sh" "$HOSTATTEST" --keys "$keys" --out "$host"; then
  echo "  falling back to the committed DEMO images and the DEMO chain in Keys/demo"
  keys="$root/Keys/demo"
  expect 0 "committed DEMO images signed" bash "$root/Scripts/make-boot-images.sh" "$HOSTATTEST" --keys "$keys" --out "$host"
fi
trust="$keys/trust.json"

# --------------------------------------------------------------------------------------------------
step "inspect the bootloader (pe info)"
expect 0 "pe info read the image" "$HOSTATTEST" pe info "$host/bootx64.efi"
check "the .vendor_cert section is listed" contains ".vendor_cert"

# --------------------------------------------------------------------------------------------------
step "verify the bootloader against the platform anchor (verify pe)"
expect 0 "bootloader verified" "$HOSTATTEST" verify pe "$host/bootx64.efi" --trust "$trust"
check "verdict is VERIFIED" contains "VERIFIED"
digest="$(printf '%s' "$out" | sed -n 's/^Authenticode SHA-256: \([0-9a-f]\{64\}\).*/\1/p' | head -n 1)"
check "the Authenticode SHA-256 digest is printed" test -n "$digest"

# --------------------------------------------------------------------------------------------------
step "verify the kernel under the boot vendor CA the bootloader carries"
expect 0 "kernel verified under boot-vendor-ca" "$HOSTATTEST" verify pe "$host/kernel.efi" --trust "$keys/boot-vendor-ca.crt.pem"
echo "The platform anchor (db) alone does not vouch for the kernel:"
expect 1 "kernel refused under the platform anchor" "$HOSTATTEST" verify pe "$host/kernel.efi" --trust "$trust"

# --------------------------------------------------------------------------------------------------
step "tamper with one byte of the bootloader's code"
if cp "$host/bootx64.efi" "$work/bootx64.tampered.efi" 2>/dev/null; then
  offset=$(($(text_offset "$work/bootx64.tampered.efi") + 16))
  flip_byte "$work/bootx64.tampered.efi" "$offset"
  echo "flipped the byte at file offset $offset (inside .text)"
fi
expect 1 "tampered bootloader refused" "$HOSTATTEST" verify pe "$work/bootx64.tampered.efi" --trust "$trust"
check "verdict is FAILED" contains "FAILED"
echo "  failure codes: $(printf '%s' "$out" | grep -o '\[[a-z0-9.-]*\]' | sort -u | tr '\n' ' ')"

# --------------------------------------------------------------------------------------------------
step "revoke the bootloader's digest in dbx"
if [ -n "$digest" ]; then
  # A copy of the trust folder (certificates only) whose trust.json lists a dbx file.
  revoked="$work/trust-with-dbx"
  mkdir -p "$revoked"
  cp "$keys"/*.crt.pem "$revoked/"
  printf '%s\n' "$digest" >"$revoked/dbx.txt"
  sed 's#"dbx": \[\]#"dbx": ["dbx.txt"]#' "$trust" >"$revoked/trust.json"
  echo "dbx.txt: $digest (listed as \"dbx\" in \$WORK/trust-with-dbx/trust.json)"
  expect 1 "revoked bootloader refused" "$HOSTATTEST" verify pe "$host/bootx64.efi" --trust "$revoked/trust.json"
  check "verdict is FAILED" contains "FAILED"
  echo "  failure codes: $(printf '%s' "$out" | grep -o '\[[a-z0-9.-]*\]' | sort -u | tr '\n' ' ')"
else
  check "an Authenticode digest to revoke (from step 4)" false
fi

# --------------------------------------------------------------------------------------------------
if [ "$keys" != "$root/Keys/demo" ]; then
  step "a different chain does not trust these images"
  expect 1 "bootloader refused under the DEMO chain's anchors" "$HOSTATTEST" verify pe "$host/bootx64.efi" --trust "$root/Keys/demo/trust.json"
fi

# --------------------------------------------------------------------------------------------------
# VIBs and the whole host image: the committed sample image (Images/demo-host), its signed profile
# (Manifests/demo-host.profile.json) and the DEMO chain's trust file (Keys/demo/trust.json).
image="$root/Images/demo-host"
profile="$root/Manifests/demo-host.profile.json"
demo_trust="$root/Keys/demo/trust.json"

step "inspect a signed VIB (vib info)"
expect 0 "vib info read the bundle" "$HOSTATTEST" vib info "$image/vibs/esx-base-demo.vib"

step "verify a VIB against the VIB CAs of its acceptance level (verify vib --deep)"
expect 0 "certified VIB verified, payload checksums included" "$HOSTATTEST" verify vib "$image/vibs/esx-base-demo.vib" --trust "$demo_trust" --deep
check "verdict is VERIFIED" contains "VERIFIED"

step "an unsigned community VIB is refused by a partner host"
src="$root/Images/src/vibs/community-tools"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$src/payload" -cf - . | gzip -n -9 >"$work/community-tools.tgz"
payload_name="$(sed -n 's:.*<payload [^>]*name="\([^"]*\)".*:\1:p' "$src/descriptor.xml" | head -n1)"
mv "$work/community-tools.tgz" "$work/$payload_name"
expect 0 "community VIB built (vib build)" "$HOSTATTEST" vib build --descriptor "$src/descriptor.xml" --payload "$work/$payload_name" -o "$work/community-tools.vib"
expect 1 "community VIB refused at host acceptance partner" "$HOSTATTEST" verify vib "$work/community-tools.vib" --trust "$demo_trust" --host-acceptance partner
check "refusal code is vib.acceptance-below-host" contains "vib.acceptance-below-host"

step "verify the whole host image against its signed profile (verify image)"
expect 0 "host image verified: bootloader, kernel, boot.cfg, every VIB, completeness" "$HOSTATTEST" verify image "$image" --profile "$profile" --trust "$demo_trust"

step "only the profile-signing role may sign a profile (a partner VIB key may not)"
cp "$profile" "$work/partner.profile.json"
expect 2 "profile sign refuses the partner VIB signer" "$HOSTATTEST" profile sign "$work/partner.profile.json" \
  --key "$root/Keys/demo/vib-partner-signer.key.pem" --cert "$root/Keys/demo/vib-partner-signer.crt.pem" -o "$work/partner.profile.json.p7s"
check "refusal names chain.not-profile-signing" contains "chain.not-profile-signing"

step "a tampered VIB payload inside the image is refused"
cp -r "$image" "$work/host-tampered"
vib="$work/host-tampered/vibs/net-demo-nic.vib"
size="$(stat -c %s "$vib")"
printf '\x00' | dd of="$vib" bs=1 seek=$((size - 40)) conv=notrunc status=none
expect 1 "image with a tampered payload refused" "$HOSTATTEST" verify image "$work/host-tampered" --profile "$profile" --trust "$demo_trust"
check "refusal code is vib.checksum-mismatch" contains "vib.checksum-mismatch"

step "an image missing a VIB that boot.cfg loads is refused"
cp -r "$image" "$work/host-missing"
rm "$work/host-missing/vibs/partner-agent-demo.vib"
expect 1 "image with a missing VIB refused" "$HOSTATTEST" verify image "$work/host-missing" --profile "$profile" --trust "$demo_trust"
check "refusal code is image.module-missing" contains "image.module-missing"

step "measured boot into a software TPM; its log replays to the predicted PCRs"
expect 0 "boot measured the image into soft:" "$HOSTATTEST" boot "$image" --profile "$profile" --trust "$demo_trust" \
  --tpm "soft:$work/tpm.json" --eventlog "$work/boot.log" --pcrs-out "$work/booted.json"
expect 0 "boot --predict computed the same log without a TPM" "$HOSTATTEST" boot "$image" --profile "$profile" --trust "$demo_trust" \
  --predict --eventlog "$work/predicted.log" --pcrs-out "$work/predicted.json"
check "booted PCRs equal the predicted PCRs" cmp -s "$work/booted.json" "$work/predicted.json"
expect 1 "enforce mode stops at the tampered VIB" "$HOSTATTEST" boot "$work/host-tampered" --profile "$profile" --trust "$demo_trust" \
  --tpm "soft:$work/tpm.json" --eventlog "$work/tampered.log"
check "the stop names net-demo-nic" contains "STOPPED: VIB net-demo-nic"

# --------------------------------------------------------------------------------------------------
echo
if [ "$failed" -eq 0 ]; then
  echo "${green}${bold}demo: all $steps steps behaved as expected${plain}"
  exit 0
fi
echo "${red}${bold}demo: $failed check(s) in $steps steps did not behave as expected:${plain}"
for f in "${failures[@]}"; do echo "  - $f"; done
exit 1
