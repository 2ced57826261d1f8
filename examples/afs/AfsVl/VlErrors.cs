using RxGen.Runtime.Rpc;

namespace AfsVl;

/// <summary>The VL error table (OpenAFS vl_errors.et, base 363520) and names for every abort code afsvl prints.</summary>
public static class VlErrors
{
    public const int IdExist = 363520, Io = 363521, NameExist = 363522, CreateFail = 363523, NoEntry = 363524,
        Empty = 363525, EntDeleted = 363526, BadName = 363527, BadIndex = 363528, BadVolType = 363529,
        BadServer = 363530, BadPartition = 363531, RepsFull = 363532, NoRepServer = 363533, DupRepServer = 363534,
        RwNotFound = 363535, BadRefCount = 363536, SizeExceeded = 363537, BadEntry = 363538, BadVolIdBump = 363539,
        IdAlreadyHashed = 363540, EntryLocked = 363541, BadVolOper = 363542, BadRelLockType = 363543,
        ReRelease = 363544, BadServerFlag = 363545, Perm = 363546, NoMem = 363547, BadVersion = 363548,
        IndexRange = 363549, MultiPAddr = 363550, BadMask = 363551, DbBad = 363552;

    private static readonly string[] Names =
    {
        "VL_IDEXIST", "VL_IO", "VL_NAMEEXIST", "VL_CREATEFAIL", "VL_NOENT", "VL_EMPTY", "VL_ENTDELETED",
        "VL_BADNAME", "VL_BADINDEX", "VL_BADVOLTYPE", "VL_BADSERVER", "VL_BADPARTITION", "VL_REPSFULL",
        "VL_NOREPSERVER", "VL_DUPREPSERVER", "VL_RWNOTFOUND", "VL_BADREFCOUNT", "VL_SIZEEXCEEDED",
        "VL_BADENTRY", "VL_BADVOLIDBUMP", "VL_IDALREADYHASHED", "VL_ENTRYLOCKED", "VL_BADVOLOPER",
        "VL_BADRELLOCKTYPE", "VL_RERELEASE", "VL_BADSERVERFLAG", "VL_PERM", "VL_NOMEM", "VL_BADVERSION",
        "VL_INDEXERANGE", "VL_MULTIPADDR", "VL_BADMASK", "VL_DBBAD",
    };

    /// <summary>"VL_NOENT" for 363524, the Rx/rxgen name for Rx codes (RXGEN_OPCODE …), else the number.</summary>
    public static string Name(int code)
    {
        if (code >= IdExist && code - IdExist < Names.Length) return Names[code - IdExist];
        string rx = RxGenErrorCodes.Describe(code);
        int colon = rx.IndexOf(':');
        return colon > 0 ? rx[..colon] : "code " + code;
    }
}
