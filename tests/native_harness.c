/* Runs the generated <dll>_entry.c on the build host against a fake MAPI profile, a fake
 * registry and an in-memory MAPISVC.INF (see tests/native_shim/mapishim.h).
 *
 * Commands, one per line on standard input (tests/test_entry_behaviour.py writes them):
 *   provider HEXUID TYPE DISPLAY...     a row of the provider table, and its profile section
 *   ui HRESULT                          what the UI hook returns (HARNESS_HOOKS builds)
 *   prop TAG l NUMBER | s TEXT | w TEXT  a value for the next call
 *   call CONTEXT FLAGS                  the entry point with the values given so far
 *   dump                                every profile section and its values
 *   reg NAME VALUE                      HKLM\Software\Clients\Mail\Microsoft Outlook
 *   stub QUALIFIER|- PATH               FGetComponentPath finds PATH for that qualifier
 *   ini SECTION KEY VALUE               a line already in MAPISVC.INF
 *   merge | remove                      the installer functions
 *   showini                             the INF as it is now
 */
#include "mapishim.h"
#include <stdio.h>
#include ENTRY_HEADER

HRESULT STDAPICALLTYPE ENTRY(HINSTANCE hInstance, LPMALLOC lpMalloc, LPMAPISUP lpMAPISup,
    ULONG_PTR ulUIParam, ULONG ulFlags, ULONG ulContext, ULONG cValues, LPSPropValue lpProps,
    LPPROVIDERADMIN lpProviderAdmin, LPMAPIERROR *lppMapiError);

/* --- the fake profile ------------------------------------------------------------- */

#define MAX_SECTIONS 16
#define MAX_VALUES 32

typedef struct {
    int used, is_service;
    MAPIUID uid;
    ULONG count;
    SPropValue values[MAX_VALUES];
    char text[MAX_VALUES][512];
    WCHAR wide[MAX_VALUES][128];
} Section;

typedef struct { IProfSect base; Section *section; } ProfSect;

static Section sections[MAX_SECTIONS];
static struct { MAPIUID uid; LONG type; char display[128]; } providers[MAX_SECTIONS];
static int provider_count;
static HRESULT ui_result = (HRESULT) 0x80040102;
static int ui_calls;

static Section *find_section(const MAPIUID *uid, int create)
{
    int i;
    for (i = 0; i < MAX_SECTIONS; i++)
        if (sections[i].used && ((uid == NULL && sections[i].is_service)
                                 || (uid != NULL && !sections[i].is_service
                                     && memcmp(&sections[i].uid, uid, 16) == 0)))
            return &sections[i];
    if (!create)
        return NULL;
    for (i = 0; i < MAX_SECTIONS; i++)
        if (!sections[i].used) {
            memset(&sections[i], 0, sizeof(sections[i]));
            sections[i].used = 1;
            sections[i].is_service = uid == NULL;
            if (uid != NULL)
                sections[i].uid = *uid;
            return &sections[i];
        }
    return NULL;
}

static ULONG sect_release(IProfSect *self) { free(self); return 0; }

static HRESULT sect_get(IProfSect *self, LPSPropTagArray tags, ULONG flags, ULONG *count,
                        LPSPropValue *values)
{
    Section *s = ((ProfSect *) self)->section;
    ULONG i, j;
    HRESULT hr = S_OK;
    (void) flags;
    *values = (LPSPropValue) calloc(tags->cValues, sizeof(SPropValue));
    *count = tags->cValues;
    for (i = 0; i < tags->cValues; i++) {
        (*values)[i].ulPropTag = CHANGE_PROP_TYPE(tags->aulPropTag[i], PT_ERROR);
        for (j = 0; j < s->count; j++)
            if (PROP_ID(s->values[j].ulPropTag) == PROP_ID(tags->aulPropTag[i]))
                (*values)[i] = s->values[j];
        if (PROP_TYPE((*values)[i].ulPropTag) == PT_ERROR)
            hr = MAPI_W_ERRORS_RETURNED;
    }
    return hr;
}

static HRESULT sect_set(IProfSect *self, ULONG count, LPSPropValue values,
                        LPSPropProblemArray *problems)
{
    Section *s = ((ProfSect *) self)->section;
    ULONG i, j;
    (void) problems;
    for (i = 0; i < count; i++) {
        for (j = 0; j < s->count; j++)
            if (PROP_ID(s->values[j].ulPropTag) == PROP_ID(values[i].ulPropTag))
                break;
        if (j == MAX_VALUES)
            return E_OUTOFMEMORY;
        if (j == s->count)
            s->count++;
        s->values[j] = values[i];
        if (PROP_TYPE(values[i].ulPropTag) == PT_STRING8) {
            snprintf(s->text[j], sizeof(s->text[j]), "%s", values[i].Value.lpszA);
            s->values[j].Value.lpszA = s->text[j];
        } else if (PROP_TYPE(values[i].ulPropTag) == PT_UNICODE) {
            ULONG k;
            for (k = 0; values[i].Value.lpszW[k] && k < 127; k++)
                s->wide[j][k] = values[i].Value.lpszW[k];
            s->wide[j][k] = 0;
            s->values[j].Value.lpszW = s->wide[j];
        }
    }
    return S_OK;
}

static HRESULT sect_save(IProfSect *self, ULONG flags) { (void) self; (void) flags; return S_OK; }

static const struct IProfSectVtbl sect_vtbl = { sect_release, sect_get, sect_set, sect_save };

static ULONG table_release(IMAPITable *self) { (void) self; return 0; }
static const struct IMAPITableVtbl table_vtbl = { table_release };
static IMAPITable provider_table = { &table_vtbl };

static HRESULT admin_table(IProviderAdmin *self, ULONG flags, LPMAPITABLE *table)
{
    (void) self; (void) flags;
    *table = &provider_table;
    return S_OK;
}

static HRESULT admin_open(IProviderAdmin *self, LPMAPIUID uid, LPCIID iid, ULONG flags,
                          LPPROFSECT *out)
{
    Section *s = find_section(uid, (flags & MAPI_MODIFY) != 0);
    ProfSect *p;
    (void) self; (void) iid;
    if (s == NULL)
        return MAPI_E_NOT_FOUND;
    p = (ProfSect *) malloc(sizeof(ProfSect));
    p->base.lpVtbl = &sect_vtbl;
    p->section = s;
    *out = &p->base;
    return S_OK;
}

static const struct IProviderAdminVtbl admin_vtbl = { admin_table, admin_open };
static IProviderAdmin admin = { &admin_vtbl };

HRESULT HrQueryAllRows(LPMAPITABLE table, LPSPropTagArray tags, void *restriction, void *sort,
                       LONG max_rows, LPSRowSet *out)
{
    LPSRowSet rows;
    int i;
    (void) table; (void) tags; (void) restriction; (void) sort; (void) max_rows;
    rows = (LPSRowSet) calloc(1, sizeof(SRowSet) + (size_t) provider_count * sizeof(SRow));
    rows->cRows = (ULONG) provider_count;
    for (i = 0; i < provider_count; i++) {
        LPSPropValue cols = (LPSPropValue) calloc(3, sizeof(SPropValue));
        cols[0].ulPropTag = PR_PROVIDER_UID;
        cols[0].Value.bin.cb = 16;
        cols[0].Value.bin.lpb = providers[i].uid.ab;
        cols[1].ulPropTag = PR_RESOURCE_TYPE;
        cols[1].Value.l = providers[i].type;
        cols[2].ulPropTag = PR_PROVIDER_DISPLAY_A;
        cols[2].Value.lpszA = providers[i].display;
        rows->aRow[i].cValues = 3;
        rows->aRow[i].lpProps = cols;
    }
    *out = rows;
    return S_OK;
}

void FreeProws(LPSRowSet rows)
{
    ULONG i;
    for (i = 0; i < rows->cRows; i++)
        free(rows->aRow[i].lpProps);
    free(rows);
}

ULONG MAPIFreeBuffer(LPVOID buffer) { free(buffer); return 0; }

/* --- the fake registry, system directory and FGetComponentPath -------------------- */

static char reg_names[8][256], reg_values[8][260];
static int reg_count;
static char stub_qualifier[8][256], stub_path[8][260];
static int stub_count;

LONG RegOpenKeyExA(HKEY key, LPCSTR sub, DWORD options, DWORD access, HKEY *out)
{
    (void) options; (void) access;
    if (key != HKEY_LOCAL_MACHINE || strcmp(sub, "Software\\Clients\\Mail\\Microsoft Outlook") != 0
        || reg_count == 0)
        return 2;
    *out = (HKEY) (uintptr_t) 1;
    return ERROR_SUCCESS;
}

LONG RegQueryValueExA(HKEY key, LPCSTR name, DWORD *reserved, DWORD *type, LPBYTE data, DWORD *cb)
{
    int i;
    (void) key; (void) reserved;
    for (i = 0; i < reg_count; i++)
        if (strcmp(reg_names[i], name) == 0) {
            size_t n = strlen(reg_values[i]) + 1;
            if (n > *cb)
                return 234;
            memcpy(data, reg_values[i], n);
            *cb = (DWORD) n;
            *type = REG_SZ;
            return ERROR_SUCCESS;
        }
    return 2;
}

LONG RegCloseKey(HKEY key) { (void) key; return ERROR_SUCCESS; }

UINT GetSystemDirectoryA(LPSTR buffer, UINT size)
{
    snprintf(buffer, size, "C:\\Windows\\system32");
    return (UINT) strlen(buffer);
}

static BOOL fake_get_component_path(LPCSTR component, LPSTR qualifier, LPSTR path, DWORD cch,
                                    BOOL install)
{
    int i;
    (void) install;
    printf("FGetComponentPath %s %s\n", component, qualifier ? qualifier : "-");
    for (i = 0; i < stub_count; i++)
        if (strcmp(stub_qualifier[i], qualifier ? qualifier : "-") == 0) {
            snprintf(path, cch, "%s", stub_path[i]);
            return TRUE;
        }
    return FALSE;
}

HMODULE LoadLibraryA(LPCSTR name)
{
    printf("LoadLibrary %s\n", name);
    return strstr(name, "\\mapistub.dll") && stub_count ? (HMODULE) (uintptr_t) 1 : NULL;
}

FARPROC GetProcAddress(HMODULE module, LPCSTR name)
{
    (void) module;
    return strcmp(name, "FGetComponentPath") == 0 ? (FARPROC) (void (*)(void)) fake_get_component_path
                                                  : NULL;
}

BOOL FreeLibrary(HMODULE module) { (void) module; return TRUE; }

/* --- the in-memory MAPISVC.INF ------------------------------------------------------ */

#define MAX_LINES 256
static struct { char section[128], key[128], value[512]; int used; } ini[MAX_LINES];
static char ini_file[MAX_PATH + 32];

int lstrcmpiA(LPCSTR a, LPCSTR b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'a' && *a <= 'z') ? *a - 32 : *a, y = (*b >= 'a' && *b <= 'z') ? *b - 32 : *b;
        if (x != y)
            return x - y;
    }
    return *a - *b;
}

DWORD GetLastError(void) { return 5; }

BOOL WritePrivateProfileStringA(LPCSTR section, LPCSTR key, LPCSTR value, LPCSTR file)
{
    int i, free_slot = -1;
    if (file != NULL)
        snprintf(ini_file, sizeof(ini_file), "%s", file);
    if (section == NULL)
        return TRUE; /* flush */
    if (key == NULL)
        printf("delete section [%s]\n", section);
    for (i = 0; i < MAX_LINES; i++) {
        if (!ini[i].used) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (lstrcmpiA(ini[i].section, section) != 0)
            continue;
        if (key == NULL) {
            ini[i].used = 0; /* the whole section */
        } else if (ini[i].key[0] && lstrcmpiA(ini[i].key, key) == 0) {
            if (value == NULL)
                ini[i].used = 0;
            else
                snprintf(ini[i].value, sizeof(ini[i].value), "%s", value);
            return TRUE;
        }
    }
    if (key == NULL || value == NULL)
        return TRUE;
    /* a new key goes after the last line of its section, as the INI functions do */
    for (i = MAX_LINES - 1; i >= 0; i--)
        if (ini[i].used && lstrcmpiA(ini[i].section, section) == 0)
            break;
    if (i >= 0) {
        int j;
        for (j = MAX_LINES - 1; j > i + 1; j--)
            ini[j] = ini[j - 1];
        free_slot = i + 1;
    } else {
        for (free_slot = MAX_LINES - 1; free_slot > 0 && !ini[free_slot - 1].used; free_slot--)
            ;
    }
    if (free_slot < 0 || free_slot >= MAX_LINES)
        return FALSE;
    ini[free_slot].used = 1;
    snprintf(ini[free_slot].section, sizeof(ini[free_slot].section), "%s", section);
    snprintf(ini[free_slot].key, sizeof(ini[free_slot].key), "%s", key);
    snprintf(ini[free_slot].value, sizeof(ini[free_slot].value), "%s", value);
    return TRUE;
}

DWORD GetPrivateProfileSectionA(LPCSTR section, LPSTR out, DWORD size, LPCSTR file)
{
    int i;
    DWORD n = 0;
    (void) file;
    for (i = 0; i < MAX_LINES; i++)
        if (ini[i].used && lstrcmpiA(ini[i].section, section) == 0)
            n += (DWORD) (strlen(ini[i].key) + strlen(ini[i].value) + 2);
    if (size)
        out[0] = '\0';
    return n > size - 2 ? size - 2 : n;
}

/* --- the hooks, when the test supplies them ------------------------------------------ */

#ifdef HARNESS_HOOKS
HRESULT MapisvcHookConfigureUI(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                               LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                               ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin)
{
    (void) lpService; (void) hInstance; (void) lpMAPISup; (void) ulUIParam; (void) ulFlags;
    (void) ulContext; (void) lpProviderAdmin;
    ui_calls++;
    return ui_result;
}

HRESULT MapisvcHookServiceEvent(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                                LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                                ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin)
{
    (void) lpService; (void) hInstance; (void) lpMAPISup; (void) ulUIParam; (void) ulFlags;
    (void) lpProviderAdmin;
    printf("event %lu\n", (unsigned long) ulContext);
    return S_OK;
}

BOOL MapisvcHookCheckValue(const MAPISVC_SERVICE *lpService, const MAPISVC_PROP *lpProp,
                           const SPropValue *lpValue)
{
    (void) lpService; (void) lpProp; (void) lpValue;
    return TRUE;
}
#endif

/* --- the command loop ------------------------------------------------------------------ */

static void hex_uid(const char *hex, MAPIUID *uid)
{
    int i;
    for (i = 0; i < 16; i++) {
        unsigned int byte = 0;
        sscanf(hex + 2 * i, "%2x", &byte);
        uid->ab[i] = (BYTE) byte;
    }
}

static void dump(void)
{
    int i, k;
    ULONG j;
    for (i = 0; i < MAX_SECTIONS; i++) {
        if (!sections[i].used)
            continue;
        printf("section ");
        if (sections[i].is_service)
            printf("SERVICE");
        else
            for (k = 0; k < 16; k++)
                printf("%02X", sections[i].uid.ab[k]);
        printf("\n");
        for (j = 0; j < sections[i].count; j++) {
            SPropValue *v = &sections[i].values[j];
            printf("  %08X ", (unsigned) v->ulPropTag);
            if (PROP_TYPE(v->ulPropTag) == PT_LONG)
                printf("%ld\n", (long) v->Value.l);
            else if (PROP_TYPE(v->ulPropTag) == PT_STRING8)
                printf("%s\n", v->Value.lpszA);
            else if (PROP_TYPE(v->ulPropTag) == PT_UNICODE) {
                for (k = 0; v->Value.lpszW[k]; k++)
                    putchar((char) v->Value.lpszW[k]);
                putchar('\n');
            } else
                printf("?\n");
        }
    }
}

int main(void)
{
    static char line[1024], texts[MAX_VALUES][512];
    static WCHAR wides[MAX_VALUES][128];
    SPropValue props[MAX_VALUES];
    ULONG count = 0;
    int i;

    while (fgets(line, sizeof(line), stdin)) {
        char word[64] = "", arg1[256] = "", arg2[256] = "";
        int rest = 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "%63s %255s %255s %n", word, arg1, arg2, &rest) < 1)
            continue;
        if (strcmp(word, "provider") == 0) {
            hex_uid(arg1, &providers[provider_count].uid);
            providers[provider_count].type = (LONG) strtol(arg2, NULL, 0);
            snprintf(providers[provider_count].display, 128, "%s", line + rest);
            find_section(&providers[provider_count].uid, 1);
            provider_count++;
        } else if (strcmp(word, "ui") == 0) {
            ui_result = (HRESULT) strtoul(arg1, NULL, 0);
        } else if (strcmp(word, "prop") == 0) {
            SPropValue *v = &props[count];
            ULONG tag = (ULONG) strtoul(arg1, NULL, 16);
            const char *text = line + rest;
            memset(v, 0, sizeof(*v));
            if (strcmp(arg2, "l") == 0) {
                v->ulPropTag = CHANGE_PROP_TYPE(tag, PT_LONG);
                v->Value.l = (LONG) strtoll(text, NULL, 0);
            } else if (strcmp(arg2, "s") == 0) {
                v->ulPropTag = CHANGE_PROP_TYPE(tag, PT_STRING8);
                snprintf(texts[count], sizeof(texts[count]), "%s", text);
                v->Value.lpszA = texts[count];
            } else {
                v->ulPropTag = CHANGE_PROP_TYPE(tag, PT_UNICODE);
                for (i = 0; text[i] && i < 127; i++)
                    wides[count][i] = (WCHAR) (unsigned char) text[i];
                wides[count][i] = 0;
                v->Value.lpszW = wides[count];
            }
            count++;
        } else if (strcmp(word, "call") == 0) {
            LPMAPIERROR error = (LPMAPIERROR) (uintptr_t) 1;
            HRESULT hr;
            ui_calls = 0;
            hr = ENTRY(NULL, NULL, NULL, 0, (ULONG) strtoul(arg2, NULL, 0),
                       (ULONG) strtoul(arg1, NULL, 0), count, count ? props : NULL, &admin, &error);
            printf("hr %08X ui %d error %s\n", (unsigned) hr, ui_calls, error ? "set" : "NULL");
            count = 0;
        } else if (strcmp(word, "dump") == 0) {
            dump();
        } else if (strcmp(word, "reg") == 0) {
            snprintf(reg_names[reg_count], 256, "%s", arg1);
            snprintf(reg_values[reg_count], 260, "%s", arg2);
            reg_count++;
        } else if (strcmp(word, "stub") == 0) {
            snprintf(stub_qualifier[stub_count], 256, "%s", arg1);
            snprintf(stub_path[stub_count], 260, "%s", strstr(line, arg1) + strlen(arg1) + 1);
            stub_count++;
        } else if (strcmp(word, "ini") == 0) {
            WritePrivateProfileStringA(arg1, arg2, line + rest, "preset");
        } else if (strcmp(word, "merge") == 0 || strcmp(word, "remove") == 0) {
            HRESULT hr = word[0] == 'm' ? MapisvcMergeWithMAPISVC() : MapisvcRemoveFromMAPISVC();
            printf("%s %08X %s\n", word, (unsigned) hr, ini_file);
        } else if (strcmp(word, "showini") == 0) {
            const char *section = "";
            for (i = 0; i < MAX_LINES; i++) {
                if (!ini[i].used)
                    continue;
                if (strcmp(section, ini[i].section) != 0)
                    printf("[%s]\n", ini[i].section);
                section = ini[i].section;
                printf("%s=%s\n", ini[i].key, ini[i].value);
            }
        }
        fflush(stdout);
    }
    return 0;
}
