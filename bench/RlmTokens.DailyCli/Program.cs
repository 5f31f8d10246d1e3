namespace RlmTokens.Bench
{
    internal static class Program
    {
        // rlmtokens-daily <corpus> [--cache DIR] [--tz ID] [--check manifest.json] [--quiet]
        private static int Main(string[] args)
        {
            string[] withVerb = new string[args.Length + 1];
            withVerb[0] = "daily";
            args.CopyTo(withVerb, 1);
            return TranscriptDaily.Run(withVerb);
        }
    }
}
