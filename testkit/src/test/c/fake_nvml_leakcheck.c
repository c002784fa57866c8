/*
 * Drives the fake NVML through 50 init/shutdown cycles of enumeration, string, struct, MIG, NVLink and
 * event-set calls (one set left open for the shutdown to free),
 * so FakeNvmlLeakTest can run it under valgrind: every malloc of the fake must be freed.
 * Usage: fake_nvml_leakcheck <libnvidia-ml.so.1>   (FAKE_NVML_CONFIG names an 8-GPU config)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
typedef int (*f0)(void);
typedef int (*fip)(unsigned, void **);
typedef int (*fpp)(void *, void *);
typedef int (*fpip)(void *, unsigned, void **);
typedef int (*fppp)(void *, unsigned *, void *);
typedef int (*fp)(void **);
typedef int (*fpjp)(void *, unsigned long long, void *);
typedef int (*fppi)(void *, char *, unsigned);
typedef int (*fset)(void *);
typedef int (*fwait)(void *, void *, unsigned);
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    f0 init = (f0) dlsym(h, "nvmlInit_v2"), shut = (f0) dlsym(h, "nvmlShutdown");
    fip byIndex = (fip) dlsym(h, "nvmlDeviceGetHandleByIndex_v2");
    fppi uuid = (fppi) dlsym(h, "nvmlDeviceGetUUID");
    fpp pci = (fpp) dlsym(h, "nvmlDeviceGetPciInfo_v3");
    fpip mig = (fpip) dlsym(h, "nvmlDeviceGetMigDeviceHandleByIndex");
    fppp procs = (fppp) dlsym(h, "nvmlDeviceGetComputeRunningProcesses_v3");
    fp create = (fp) dlsym(h, "nvmlEventSetCreate");
    fpjp reg = (fpjp) dlsym(h, "nvmlDeviceRegisterEvents");
    fwait wait = (fwait) dlsym(h, "nvmlEventSetWait_v2");
    fset release = (fset) dlsym(h, "nvmlEventSetFree");
    fpip remote = (fpip) dlsym(h, "nvmlDeviceGetNvLinkRemotePciInfo_v2");
    fppi name = (fppi) dlsym(h, "nvmlDeviceGetName");
    for (int round = 0; round < 50; round++) {
        if (init()) return 2;
        for (unsigned i = 0; i < 8; i++) {
            void *d; char buf[96]; char p[68]; unsigned n = 8; char infos[8 * 24];
            if (byIndex(i, &d)) continue;
            uuid(d, buf, sizeof buf); pci(d, p); procs(d, &n, infos);
            void *m; if (!mig(d, 0, &m)) { uuid(m, buf, sizeof buf); name(m, buf, sizeof buf); }
            remote(d, 0, (void **) p);
        }
        /* one set freed, one left for the last shutdown to free */
        void *sets[2]; char data[32];
        for (int s = 0; s < 2; s++) {
            if (create(&sets[s])) return 3;
            void *d; if (!byIndex(0, &d)) reg(d, 0x8ULL, sets[s]);
            wait(sets[s], data, 0);
        }
        release(sets[0]);
        shut();
    }
    dlclose(h);
    return 0;
}
