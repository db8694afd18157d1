/* A stand-in for the few Windows and MAPI declarations the generated C uses, so that
 * tests can compile and run it on the build host (no Windows, no wine here).
 * Names and field names follow mingw-w64's headers; the same generated files are also
 * compiled against the real ones by tests/test_dll.py, which keeps this shim honest.
 * The harness (tests/native_harness.c) implements the functions declared at the end. */
#ifndef MAPISHIM_H
#define MAPISHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t ULONG; typedef int32_t LONG; typedef int64_t LONGLONG; typedef uint64_t ULONGLONG;
typedef uint8_t BYTE; typedef uint16_t USHORT; typedef uint16_t WCHAR; typedef int BOOL;
typedef uint32_t DWORD; typedef unsigned int UINT; typedef int32_t HRESULT; typedef int32_t SCODE;
typedef char *LPSTR; typedef const char *LPCSTR; typedef WCHAR *LPWSTR; typedef BYTE *LPBYTE;
typedef void *LPVOID; typedef uintptr_t ULONG_PTR;
typedef void *HWND; typedef void *HINSTANCE; typedef void *HMODULE; typedef void *HKEY;
typedef void *LPMALLOC; typedef void *LPMAPISUP; typedef void *LPCIID;
typedef struct { ULONG ulVersion; } MAPIERROR, *LPMAPIERROR;
typedef long long (*FARPROC)(void);
typedef union { struct { uint32_t LowPart; int32_t HighPart; } u; LONGLONG QuadPart; } LARGE_INTEGER;

#define TRUE 1
#define FALSE 0
#define MAX_PATH 260
#define STDAPICALLTYPE
#define CALLBACK
#define S_OK ((HRESULT) 0)
#define FAILED(hr) (((HRESULT) (hr)) < 0)
#define SUCCEEDED(hr) (((HRESULT) (hr)) >= 0)
#define E_OUTOFMEMORY ((HRESULT) 0x8007000E)
#define HRESULT_FROM_WIN32(x) ((HRESULT) (((x) & 0x0000FFFF) | 0x80070000))
#define MAPI_E_INVALID_PARAMETER ((HRESULT) 0x80070057)
#define MAPI_E_NO_SUPPORT ((HRESULT) 0x80040102)
#define MAPI_E_NOT_FOUND ((HRESULT) 0x8004010F)
#define MAPI_E_USER_CANCEL ((HRESULT) 0x80040113)
#define MAPI_E_UNCONFIGURED ((HRESULT) 0x8004011C)
#define MAPI_W_ERRORS_RETURNED ((HRESULT) 0x00040380)

#define PT_UNSPECIFIED 0
#define PT_I2 2
#define PT_LONG 3
#define PT_ERROR 10
#define PT_BOOLEAN 11
#define PT_I8 20
#define PT_STRING8 30
#define PT_UNICODE 31
#define PT_BINARY 258
#define MV_FLAG 0x1000
#define PROP_TYPE(t) ((ULONG) (t) & 0xFFFF)
#define PROP_ID(t) (((ULONG) (t)) >> 16)
#define PROP_TAG(type, id) ((((ULONG) (id)) << 16) | ((ULONG) (type)))
#define CHANGE_PROP_TYPE(tag, type) (((ULONG) 0xFFFF0000 & (tag)) | (type))
#define PR_PROVIDER_UID PROP_TAG(PT_BINARY, 0x300C)
#define PR_RESOURCE_TYPE PROP_TAG(PT_LONG, 0x3E03)
#define PR_PROVIDER_DISPLAY_A PROP_TAG(PT_STRING8, 0x3006)
#define MAPI_MODIFY 0x00000001
#define SERVICE_UI_ALWAYS 0x00000002
#define SERVICE_UI_ALLOWED 0x00000010
#define MSG_SERVICE_UI_READ_ONLY 0x00000008
#define MSG_SERVICE_INSTALL 1
#define MSG_SERVICE_CREATE 2
#define MSG_SERVICE_CONFIGURE 3
#define MSG_SERVICE_DELETE 4
#define MSG_SERVICE_UNINSTALL 5
#define MSG_SERVICE_PROVIDER_CREATE 6
#define MSG_SERVICE_PROVIDER_DELETE 7
#define HKEY_LOCAL_MACHINE ((HKEY) (uintptr_t) 0x80000002)
#define KEY_READ 0x20019
#define ERROR_SUCCESS 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_MULTI_SZ 7

typedef struct { BYTE ab[16]; } MAPIUID, *LPMAPIUID;
typedef struct { ULONG cb; BYTE *lpb; } SBinary;
typedef struct { ULONG cValues; short *lpi; } SShortArray;
typedef struct { ULONG cValues; LONG *lpl; } SLongArray;
typedef struct { ULONG cValues; LARGE_INTEGER *lpli; } SLargeIntegerArray;
typedef struct { ULONG cValues; LPSTR *lppszA; } SLPSTRArray;
typedef struct { ULONG cValues; LPWSTR *lppszW; } SWStringArray;
union _PV { short i; LONG l; unsigned short b; double dbl; LPSTR lpszA; LPWSTR lpszW; SBinary bin;
            LARGE_INTEGER li; SShortArray MVi; SLongArray MVl; SLargeIntegerArray MVli;
            SLPSTRArray MVszA; SWStringArray MVszW; SCODE err; };
typedef struct _SPropValue { ULONG ulPropTag; ULONG dwAlignPad; union _PV Value; } SPropValue, *LPSPropValue;
typedef struct { ULONG cValues; ULONG aulPropTag[1]; } SPropTagArray, *LPSPropTagArray;
#define CbNewSPropTagArray(c) (offsetof(SPropTagArray, aulPropTag) + (c) * sizeof(ULONG))
#define SizedSPropTagArray(n, name) struct _SPropTagArray_##name { ULONG cValues; ULONG aulPropTag[n]; } name
typedef struct { ULONG ulAdrEntryPad; ULONG cValues; LPSPropValue lpProps; } SRow;
typedef struct { ULONG cRows; SRow aRow[1]; } SRowSet, *LPSRowSet;
typedef void *LPSPropProblemArray;

typedef struct IMAPITable IMAPITable, *LPMAPITABLE;
struct IMAPITableVtbl { ULONG (*Release)(IMAPITable *self); };
struct IMAPITable { const struct IMAPITableVtbl *lpVtbl; };

typedef struct IProfSect IProfSect, *LPPROFSECT;
struct IProfSectVtbl {
    ULONG (*Release)(IProfSect *self);
    HRESULT (*GetProps)(IProfSect *self, LPSPropTagArray tags, ULONG flags, ULONG *count,
                        LPSPropValue *values);
    HRESULT (*SetProps)(IProfSect *self, ULONG count, LPSPropValue values,
                        LPSPropProblemArray *problems);
    HRESULT (*SaveChanges)(IProfSect *self, ULONG flags);
};
struct IProfSect { const struct IProfSectVtbl *lpVtbl; };

typedef struct IProviderAdmin IProviderAdmin, *LPPROVIDERADMIN;
struct IProviderAdminVtbl {
    HRESULT (*GetProviderTable)(IProviderAdmin *self, ULONG flags, LPMAPITABLE *table);
    HRESULT (*OpenProfileSection)(IProviderAdmin *self, LPMAPIUID uid, LPCIID iid, ULONG flags,
                                  LPPROFSECT *section);
};
struct IProviderAdmin { const struct IProviderAdminVtbl *lpVtbl; };

/* Implemented by the harness. */
HRESULT HrQueryAllRows(LPMAPITABLE table, LPSPropTagArray tags, void *restriction, void *sort,
                       LONG max_rows, LPSRowSet *rows);
void FreeProws(LPSRowSet rows);
ULONG MAPIFreeBuffer(LPVOID buffer);
LONG RegOpenKeyExA(HKEY key, LPCSTR sub, DWORD options, DWORD access, HKEY *out);
LONG RegQueryValueExA(HKEY key, LPCSTR name, DWORD *reserved, DWORD *type, LPBYTE data, DWORD *cb);
LONG RegCloseKey(HKEY key);
UINT GetSystemDirectoryA(LPSTR buffer, UINT size);
HMODULE LoadLibraryA(LPCSTR name);
FARPROC GetProcAddress(HMODULE module, LPCSTR name);
BOOL FreeLibrary(HMODULE module);
BOOL WritePrivateProfileStringA(LPCSTR section, LPCSTR key, LPCSTR value, LPCSTR file);
DWORD GetPrivateProfileSectionA(LPCSTR section, LPSTR out, DWORD size, LPCSTR file);
DWORD GetLastError(void);
int lstrcmpiA(LPCSTR a, LPCSTR b);

#endif
