using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.ClaudeSettings;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Replaces RLM's token scripts in a workspace's Claude Code hook settings (.claude/settings.json,
    /// .claude/settings.local.json, .claude/hooks/hooks.json) with RlmTokens cmdlet commands, and adds the
    /// events RLM misses. One ShouldProcess per file, listing the changes; a timestamped backup of each.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Install, "TokenHook", SupportsShouldProcess = true, HelpUri = ProjectLinks.HelpPages + "Install-TokenHook.md")]
    [OutputType(typeof(TokenHookChange))]
    public sealed class InstallTokenHookCommand : RlmTokensCmdlet
    {
        /// <summary>Return one object per hook changed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// Edit a settings file that is a symbolic link to a file outside the workspace (its target is
        /// replaced, the link kept). Without it such a file is refused with LinkOutsideWorkspace; links
        /// inside the workspace are always followed.
        /// </summary>
        [Parameter]
        public SwitchParameter AllowLinkOutsideWorkspace { get; set; }

        /// <summary>What the hook lines run: Auto (default) the module's native hook, rlmtokens-hook, where it was built for this platform, else pwsh; Native (NativeHookNotFound where there is none) or Pwsh.</summary>
        [Parameter]
        public HookRuntime Runtime { get; set; }

        protected override void ProcessRecord()
        {
            var migrator = new HookMigrator(ResolveWorkspace(null), Clock) { AllowLinkOutsideWorkspace = AllowLinkOutsideWorkspace, NativeHook = NativeHookOrNull() };
            IReadOnlyList<HookFilePlan> plans;
            try
            {
                plans = migrator.PlanInstall();
            }
            catch (RlmTokensException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
                return;
            }
            WriteVerbose(migrator.NativeHook is null ? Strings.HookRuntimePwsh : string.Format(CultureInfo.CurrentCulture, Strings.HookRuntimeNative, migrator.NativeHook));
            if (plans.Count == 0)
            {
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.HooksAlreadyInstalled, migrator.Workspace.Root));
                return;
            }
            foreach (HookFilePlan plan in plans)
            {
                string description = string.Format(CultureInfo.CurrentCulture, Strings.InstallHookDescription, plan.Path, plan.Changes.Count, Environment.NewLine, plan.Describe());
                string warning = string.Format(CultureInfo.CurrentCulture, Strings.InstallHookWarning, plan.Path, plan.Changes.Count);
                if (!ShouldProcess(description, warning, Strings.InstallHookCaption)) { continue; }
                HookCommandWriter.Apply(this, migrator, plan, PassThru);
            }
        }

        // The module folder is where this assembly was loaded from; its native hook is bin/<rid>/rlmtokens-hook.
        private string? NativeHookOrNull()
        {
            if (Runtime == HookRuntime.Pwsh) { return null; }
            string folder = System.IO.Path.GetDirectoryName(typeof(InstallTokenHookCommand).Assembly.Location) ?? string.Empty;
            string? native = HookMigrator.FindNativeHook(folder);
            if (native is null && Runtime == HookRuntime.Native)
            {
                string expected = System.IO.Path.Combine(folder, "bin", "linux-x64", HookMigrator.NativeHookName);
                ThrowTerminatingError(ErrorRecords.Create("NativeHookNotFound", ErrorCategory.ObjectNotFound, expected,
                    string.Format(CultureInfo.CurrentCulture, Strings.NativeHookNotFound, expected)));
            }
            return native;
        }
    }

    /// <summary>Applies one planned file for Install-/Uninstall-TokenHook and reports it.</summary>
    internal static class HookCommandWriter
    {
        public static void Apply(RlmTokensCmdlet cmdlet, HookMigrator migrator, HookFilePlan plan, bool passThru)
        {
            try
            {
                string? backup = migrator.Apply(plan);
                cmdlet.WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.HookFileChanged, plan.Path, plan.Changes.Count, backup ?? "-"));
                if (!passThru) { return; }
                foreach (TokenHookChange change in plan.Changes)
                {
                    cmdlet.WriteObject(change);
                }
            }
            catch (RlmTokensException e)
            {
                cmdlet.WriteError(ErrorRecords.From(e));
            }
        }
    }
}
