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
    /// Undoes Install-TokenHook: removes the hooks it added and puts back the RLM commands it replaced or
    /// moved, from the record .claude/rlmtokens-hooks.json; every other hook and setting stays as it is.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Uninstall, "TokenHook", SupportsShouldProcess = true, HelpUri = ProjectLinks.HelpPages + "Uninstall-TokenHook.md")]
    [OutputType(typeof(TokenHookChange))]
    public sealed class UninstallTokenHookCommand : RlmTokensCmdlet
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

        protected override void ProcessRecord()
        {
            var migrator = new HookMigrator(ResolveWorkspace(null), Clock) { AllowLinkOutsideWorkspace = AllowLinkOutsideWorkspace };
            IReadOnlyList<HookFilePlan> plans;
            try
            {
                plans = migrator.PlanUninstall();
            }
            catch (RlmTokensException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
                return;
            }
            if (plans.Count == 0)
            {
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.NoHooksInstalled, migrator.Workspace.Root));
                return;
            }
            if (!migrator.HasState)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.NoHookRecord, HookMigrator.StateFile));
            }
            foreach (HookFilePlan plan in plans)
            {
                string description = string.Format(CultureInfo.CurrentCulture, Strings.UninstallHookDescription, plan.Path, plan.Changes.Count, Environment.NewLine, plan.Describe());
                string warning = string.Format(CultureInfo.CurrentCulture, Strings.UninstallHookWarning, plan.Path, plan.Changes.Count);
                if (!ShouldProcess(description, warning, Strings.UninstallHookCaption)) { continue; }
                HookCommandWriter.Apply(this, migrator, plan, PassThru);
            }
        }
    }
}
