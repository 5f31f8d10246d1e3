using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// Counts each API response once. Key: (message.id, requestId); of several lines with one key a
    /// transcript's own line beats a progress line's copy (<see cref="UsageEntry.FromProgressCopy"/>), else the
    /// one with the largest usage wins (ties: the later line, which is dated like the final block).
    /// A sidechain line that repeats a main-thread response's message.id under another requestId is a
    /// replay and is dropped. Lines without both ids cannot be matched and are all kept.
    /// Feeding files in a fixed order gives the same result whether they are fed whole or per-file
    /// de-duplicated first (the cache relies on that).
    /// </summary>
    internal sealed class UsageDeduplicator
    {
        private readonly List<UsageEntry?> _entries = new List<UsageEntry?>();
        private readonly Dictionary<string, object> _byMessage = new Dictionary<string, object>(StringComparer.Ordinal);
        private int _removed;

        public int Count => _entries.Count - _removed;

        public void AddRange(IEnumerable<UsageEntry> entries)
        {
            foreach (UsageEntry e in entries) { Add(e); }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(UsageEntry entry)
        {
            if (entry.MessageId is null || entry.RequestId is null)
            {
                _entries.Add(entry);
                return;
            }
            if (!_byMessage.TryGetValue(entry.MessageId, out object? slot))
            {
                _byMessage.Add(entry.MessageId, _entries.Count);
                _entries.Add(entry);
                return;
            }
            if (slot is int single)
            {
                UsageEntry existing = _entries[single]!;
                if (string.Equals(existing.RequestId, entry.RequestId, StringComparison.Ordinal))
                {
                    if (Replaces(entry, existing)) { _entries[single] = entry; }
                    return;
                }
                List<int> list = new List<int>(2) { single };
                _byMessage[entry.MessageId] = list;
                AddToList(list, entry);
                return;
            }
            AddToList((List<int>)slot, entry);
        }

        /// <summary>Whether a line replaces an earlier one with its key: an own line beats a copy, else the larger (ties: the later).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Replaces(UsageEntry entry, UsageEntry existing) =>
            entry.FromProgressCopy != existing.FromProgressCopy ? existing.FromProgressCopy : entry.TotalTokens >= existing.TotalTokens;

        private void AddToList(List<int> list, UsageEntry entry)
        {
            bool parentPresent = false;
            foreach (int i in list)
            {
                UsageEntry existing = _entries[i]!;
                if (string.Equals(existing.RequestId, entry.RequestId, StringComparison.Ordinal))
                {
                    if (Replaces(entry, existing)) { _entries[i] = entry; }
                    return;
                }
                parentPresent |= !existing.IsSidechain;
            }
            if (entry.IsSidechain && parentPresent) { return; }
            if (!entry.IsSidechain)
            {
                for (int k = list.Count - 1; k >= 0; k--)
                {
                    if (_entries[list[k]]!.IsSidechain)
                    {
                        _entries[list[k]] = null;
                        _removed++;
                        list.RemoveAt(k);
                    }
                }
            }
            list.Add(_entries.Count);
            _entries.Add(entry);
        }

        public List<UsageEntry> ToList()
        {
            List<UsageEntry> result = new List<UsageEntry>(Count);
            foreach (UsageEntry? e in _entries)
            {
                if (e is not null) { result.Add(e); }
            }
            return result;
        }
    }
}
