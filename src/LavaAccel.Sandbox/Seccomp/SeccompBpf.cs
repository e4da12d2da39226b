using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LavaAccel.Sandbox.Seccomp;

/// <summary>
/// Compiles <see cref="SeccompAllowlist"/> (for one <see cref="SyscallProfile"/>) into a BPF program with libseccomp (the library runc
/// uses), for bubblewrap's <c>--seccomp FD</c>. A thin layer over libseccomp.so.2.
/// </summary>
internal static partial class SeccompBpf
{
    private const string Library = "libseccomp.so.2";
    private const uint ActAllow = 0x7fff0000;
    private const uint ActErrno = 0x00050000;
    private const int CmpMaskedEq = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct ArgCompare
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [LibraryImport(Library, EntryPoint = "seccomp_init")]
    private static partial IntPtr Init(uint defaultAction);

    [LibraryImport(Library, EntryPoint = "seccomp_release")]
    private static partial void Release(IntPtr context);

    [LibraryImport(Library, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Resolve(string name);

    [LibraryImport(Library, EntryPoint = "seccomp_rule_add_array")]
    private static unsafe partial int AddRule(IntPtr context, uint action, int syscall, uint count, ArgCompare* compares);

    [LibraryImport(Library, EntryPoint = "seccomp_export_bpf")]
    private static partial int Export(IntPtr context, int fd);

    /// <summary>Writes the program for <paramref name="profile"/> to <paramref name="path"/> (atomically).</summary>
    public static unsafe void WriteProgram(string path, SyscallProfile profile)
    {
        IntPtr context;
        try
        {
            context = Init(ActErrno | SeccompAllowlist.Eperm);
        }
        catch (DllNotFoundException)
        {
            throw new LavaException("the bwrap sandbox needs libseccomp (apt-get install libseccomp2)");
        }
        if (context == IntPtr.Zero)
        {
            throw new LavaException("libseccomp could not create a filter");
        }
        try
        {
            foreach (var name in SeccompAllowlist.Names.Concat(SeccompAllowlist.Extra(profile)).Distinct(StringComparer.Ordinal))
            {
                var nr = Resolve(name);
                if (nr >= 0)
                {
                    Check(AddRule(context, ActAllow, nr, 0, null), name);
                }
            }
            var clone = new ArgCompare { Arg = 0, Op = CmpMaskedEq, DatumA = SeccompAllowlist.CloneThread, DatumB = SeccompAllowlist.CloneThread };
            Check(SeccompAllowlist.AllowsProcesses(profile) ? AddRule(context, ActAllow, Resolve("clone"), 0, null) : AddRule(context, ActAllow, Resolve("clone"), 1, &clone), "clone");
            var clone3 = Resolve("clone3");
            if (clone3 >= 0)
            {
                Check(AddRule(context, ActErrno | SeccompAllowlist.Enosys, clone3, 0, null), "clone3");
            }
            var temporary = path + $".{Environment.ProcessId}.tmp";
            using (SafeFileHandle file = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
            {
                Check(Export(context, (int)file.DangerousGetHandle()), "export");
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            Release(context);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new LavaException($"libseccomp refused the rule for {what} (error {-rc})");
        }
    }
}
