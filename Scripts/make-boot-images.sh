#!/usr/bin/env bash
# Builds the hostattest sample boot images from the C sources in Images/src/, reproducibly.
#
#   Scripts/make-boot-images.sh [HOSTATTEST_BIN] [--keys DIR] [--out DIR]
#
#   HOSTATTEST_BIN  the built hostattest; when given, the images are signed with `hostattest sign pe`:
#                   bootx64.efi by platform-root (UEFI db role), kernel.efi by kernel-signer.
#                   Without it only the unsigned images are built.
#   --keys DIR      key chain made by `hostattest keys init` (default: Keys/demo, the DEMO chain)
#   --out DIR       host image folder (default: Images/demo-host)
#
# Writes:
#   OUT/build/bootx64.unsigned.efi  PE32+ EFI application with section .vendor_cert = DER of
#                                   KEYS/boot-vendor-ca.crt.pem (like shim's vendor_cert)
#   OUT/build/kernel.unsigned.efi   PE32+ EFI application standing in for an EFI-stub kernel
#   OUT/boot.cfg                    ESXi-style boot configuration (only if missing: the VIB step may edit it)
#   OUT/bootx64.efi, OUT/kernel.efi the signed images (only with HOSTATTEST_BIN)
#
# Toolchain: the Swift toolchain's clang + lld-link + llvm-objcopy (override with CLANG=, OBJCOPY=).
# The unsigned images are byte-for-byte reproducible with the same toolchain (/Brepro: the PE
# timestamp is a hash of the image, not the time). When no toolchain is found and the keys are the
# demo chain, the committed Images/demo-host/build/*.unsigned.efi are used instead.
#
# Exit codes: 0 success, 2 bad usage or missing tool, other: a failed build step.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
hostattest=""
keys="$root/Keys/demo"
out="$root/Images/demo-host"

help_text() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
usage() { help_text >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) [ $# -ge 2 ] || usage; keys="$2"; shift 2 ;;
    --out)  [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    -h|--help) help_text; exit 0 ;;
    -*) echo "make-boot-images: unknown option $1" >&2; usage ;;
    *) [ -z "$hostattest" ] || usage; hostattest="$1"; shift ;;
  esac
done

die() { echo "make-boot-images: error: $*" >&2; exit 2; }

keys="$(cd "$keys" 2>/dev/null && pwd)" || die "key folder not found"
vendor_pem="$keys/boot-vendor-ca.crt.pem"
[ -f "$vendor_pem" ] || die "$vendor_pem: no such file (make a chain with: hostattest keys init --out DIR)"
if [ -n "$hostattest" ]; then
  [ -x "$hostattest" ] || die "$hostattest: not an executable"
  for f in platform-root.key.pem platform-root.crt.pem kernel-signer.key.pem kernel-signer.crt.pem; do
    [ -f "$keys/$f" ] || die "$keys/$f: no such file"
  done
fi
mkdir -p "$out/build"
out="$(cd "$out" && pwd)"
src="$root/Images/src"

work="$(mktemp -d "${TMPDIR:-/tmp}/make-boot-images.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The DER of the boot vendor CA: the base64 body of the (single-certificate) PEM.
sed -e '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/!d' -e '/-----/d' "$vendor_pem" \
  | base64 -d > "$work/vendor_cert.der" || die "$vendor_pem: not a PEM certificate"
[ -s "$work/vendor_cert.der" ] || die "$vendor_pem: empty certificate"

# Finds a tool: the environment override, else beside the Swift toolchain's swift, else on PATH.
find_tool() {
  local name="$1" override="$2" swift_bin dir
  if [ -n "$override" ]; then command -v "$override" || true; return; fi
  if swift_bin="$(command -v swift 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$swift_bin")")"
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
  fi
  command -v "$name" || true
}
clang="$(find_tool clang "${CLANG:-}")"
objcopy="$(find_tool llvm-objcopy "${OBJCOPY:-}")"
lld_link=""
[ -n "$clang" ] && lld_link="$(dirname "$clang")/lld-link"
[ -x "$lld_link" ] || lld_link="$(command -v lld-link || true)"

if [ -n "$clang" ] && [ -n "$objcopy" ] && [ -n "$lld_link" ]; then
  echo "make-boot-images: building with $("$clang" --version | head -n 1)"
  # Freestanding x86_64 UEFI application: Microsoft x64 ABI (the windows target), no C runtime, no
  # red zone (firmware interrupts share the stack), no stack protector or stack probes (no runtime to
  # call), subsystem EFI_APPLICATION (10), entry efi_main, /Brepro for a deterministic timestamp.
  cflags=(-target x86_64-unknown-windows -std=c11 -Os -Wall -Werror
          -ffreestanding -fno-builtin -fno-stack-protector -mno-red-zone -mno-stack-arg-probe
          -fno-asynchronous-unwind-tables -fno-ident)
  ldflags=(-nostdlib -fuse-ld=lld -Wl,-subsystem:efi_application -Wl,-entry:efi_main -Wl,/Brepro)
  # Compile from the work folder with relative paths so no absolute path can reach the output.
  cp "$src/efi.h" "$src/bootloader.c" "$src/kernel.c" "$work/"
  (
    cd "$work"
    "$clang" "${cflags[@]}" "${ldflags[@]}" -o bootloader.linked.efi bootloader.c
    "$clang" "${cflags[@]}" "${ldflags[@]}" -o kernel.unsigned.efi kernel.c
    # lld-link truncates the name of a non-discardable section to 8 bytes (".vendor_") in images;
    # llvm-objcopy keeps long names through the COFF string table ("/4"), as GNU objcopy does for
    # shim. The section is read-only initialised data (0x40000040), not discardable.
    "$objcopy" --add-section .vendor_cert=vendor_cert.der \
      --set-section-flags .vendor_cert=readonly,data \
      bootloader.linked.efi bootx64.unsigned.efi
  )
  cp "$work/bootx64.unsigned.efi" "$work/kernel.unsigned.efi" "$out/build/"
  chmod 0644 "$out/build/bootx64.unsigned.efi" "$out/build/kernel.unsigned.efi"
else
  echo "make-boot-images: no EFI toolchain (clang, lld-link, llvm-objcopy) found" >&2
  committed="$root/Images/demo-host/build"
  if [ "$keys" = "$root/Keys/demo" ] && [ -f "$committed/bootx64.unsigned.efi" ]; then
    echo "make-boot-images: using the committed unsigned images from $committed (built for Keys/demo)" >&2
    if [ "$committed" != "$out/build" ]; then
      cp "$committed/bootx64.unsigned.efi" "$committed/kernel.unsigned.efi" "$out/build/"
    fi
  else
    die "install the Swift toolchain (it ships clang, lld-link and llvm-objcopy) or set CLANG= and OBJCOPY="
  fi
fi

[ -f "$out/boot.cfg" ] || cp "$src/boot.cfg" "$out/boot.cfg"

for f in bootx64 kernel; do
  echo "make-boot-images: $out/build/$f.unsigned.efi sha256 $(sha256sum "$out/build/$f.unsigned.efi" | cut -d' ' -f1)"
done

if [ -z "$hostattest" ]; then
  echo "make-boot-images: unsigned images only (pass HOSTATTEST_BIN to sign them)"
  exit 0
fi

echo "make-boot-images: signing bootx64.efi with $keys/platform-root (UEFI db role)"
"$hostattest" sign pe "$out/build/bootx64.unsigned.efi" \
  --key "$keys/platform-root.key.pem" --cert "$keys/platform-root.crt.pem" -o "$out/bootx64.efi"
echo "make-boot-images: signing kernel.efi with $keys/kernel-signer (issued by boot-vendor-ca)"
"$hostattest" sign pe "$out/build/kernel.unsigned.efi" \
  --key "$keys/kernel-signer.key.pem" --cert "$keys/kernel-signer.crt.pem" -o "$out/kernel.efi"
echo "make-boot-images: done: $out/bootx64.efi, $out/kernel.efi, $out/boot.cfg"
