/*
 * hostattest DEMO kernel (kernel.efi).
 *
 * A real, minimal UEFI application standing in for an EFI-stub kernel. It is signed by the kernel
 * signer, whose certificate is issued by the boot vendor CA carried in the bootloader's
 * .vendor_cert section. It announces itself and returns EFI_SUCCESS.
 */
#include "efi.h"

EFI_STATUS efi_main(EFI_HANDLE ImageHandle, EFI_SYSTEM_TABLE *SystemTable) {
    (void)ImageHandle;
    efi_print(SystemTable, u"hostattest DEMO kernel (kernel.efi): signed by the DEMO kernel signer.\r\n");
    return EFI_SUCCESS;
}
