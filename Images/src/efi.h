/*
 * The few UEFI definitions the hostattest sample boot images use, written from the UEFI
 * Specification 2.10: 2.3.1 (data types), 4.2 (EFI_TABLE_HEADER), 4.3 (EFI_SYSTEM_TABLE),
 * 12.4 (EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL). Only the members these programs touch are typed; the
 * rest are opaque pointers so the layout stays exact.
 *
 * Built freestanding for x86_64 with the Microsoft x64 calling convention, which is what UEFI uses
 * (clang -target x86_64-unknown-windows makes it the default).
 */
#ifndef HOSTATTEST_EFI_H
#define HOSTATTEST_EFI_H

typedef unsigned long long UINT64;
typedef unsigned int UINT32;
typedef unsigned short UINT16;
typedef UINT64 UINTN;
typedef UINTN EFI_STATUS;
typedef void *EFI_HANDLE;
typedef UINT16 CHAR16;

#define EFI_SUCCESS ((EFI_STATUS)0)

/* 4.2 EFI_TABLE_HEADER */
typedef struct {
    UINT64 Signature;
    UINT32 Revision;
    UINT32 HeaderSize;
    UINT32 CRC32;
    UINT32 Reserved;
} EFI_TABLE_HEADER;

struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL;

/* 12.4.3 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString() */
typedef EFI_STATUS (*EFI_TEXT_STRING)(struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, const CHAR16 *String);

/* 12.4.1 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL */
typedef struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL {
    void *Reset;
    EFI_TEXT_STRING OutputString;
    void *TestString;
    void *QueryMode;
    void *SetMode;
    void *SetAttribute;
    void *ClearScreen;
    void *SetCursorPosition;
    void *EnableCursor;
    void *Mode;
} EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL;

/* 4.3.1 EFI_SYSTEM_TABLE (up to ConOut; nothing later is used) */
typedef struct {
    EFI_TABLE_HEADER Hdr;
    CHAR16 *FirmwareVendor;
    UINT32 FirmwareRevision;
    EFI_HANDLE ConsoleInHandle;
    void *ConIn;
    EFI_HANDLE ConsoleOutHandle;
    EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *ConOut;
} EFI_SYSTEM_TABLE;

/* Prints a UCS-2 string on the console, if the firmware gave us one. */
static inline void efi_print(EFI_SYSTEM_TABLE *SystemTable, const CHAR16 *Text) {
    if (SystemTable != 0 && SystemTable->ConOut != 0) {
        SystemTable->ConOut->OutputString(SystemTable->ConOut, Text);
    }
}

#endif
