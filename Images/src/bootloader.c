/*
 * hostattest DEMO bootloader (bootx64.efi).
 *
 * A real, minimal UEFI application standing in for a shim-style first-stage bootloader. Like shim,
 * the built image carries its boot vendor certificate (DER, boot-vendor-ca.crt.pem) in a section
 * named ".vendor_cert"; Scripts/make-boot-images.sh adds that section after linking (see
 * Images/README.md). The image is signed by the platform root (UEFI db role); the kernel it would
 * chain-load is signed by a key under the vendor certificate.
 *
 * This demo does not load the kernel: it announces itself and returns EFI_SUCCESS, which hands
 * control back to the firmware's boot manager.
 */
#include "efi.h"

EFI_STATUS efi_main(EFI_HANDLE ImageHandle, EFI_SYSTEM_TABLE *SystemTable) {
    (void)ImageHandle;
    efi_print(SystemTable, u"hostattest DEMO bootloader (bootx64.efi): signed by the DEMO platform root.\r\n");
    efi_print(SystemTable, u"Boot vendor certificate: section .vendor_cert. Next stage: kernel.efi.\r\n");
    return EFI_SUCCESS;
}
