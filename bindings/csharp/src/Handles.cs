// SafeHandles: each releases its native handle exactly once, with the matching _free function,
// when disposed or finalized.
using Microsoft.Win32.SafeHandles;

namespace Fhirbus
{
    internal sealed class SigningKeyHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal SigningKeyHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_signing_key_free(handle); return true; }
    }

    internal sealed class DataKeyHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal DataKeyHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_data_key_free(handle); return true; }
    }

    internal sealed class EncryptionKeyHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal EncryptionKeyHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_encryption_key_free(handle); return true; }
    }

    internal sealed class PseudonymKeyHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal PseudonymKeyHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_pseudonym_key_free(handle); return true; }
    }

    internal sealed class RecordEntryHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal RecordEntryHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_record_entry_free(handle); return true; }
    }

    internal sealed class KeySetHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal KeySetHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_key_set_free(handle); return true; }
    }

    internal sealed class ConsentHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal ConsentHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_consent_free(handle); return true; }
    }

    internal sealed class LedgerStateHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal LedgerStateHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_ledger_state_free(handle); return true; }
    }

    internal sealed class EmbeddedNetworkHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        internal EmbeddedNetworkHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.fhirbus_embedded_network_free(handle); return true; }
    }
}
