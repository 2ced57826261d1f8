using System.Threading;
using System.Threading.Tasks;
using Golden.Afs;
using Golden.AfsCommon;
using RxGen.Runtime.Rpc;

namespace RxGen.Interop.Tests.Fakes;

/// <summary>
/// A Golden.Afs RXAFS_ file server (afsint.xg) for tests.
/// Every procedure aborts with RXGEN_OPCODE (-455), as a server that lacks it does; tests override
/// the procedures they serve.
/// </summary>
public abstract class AfsServiceBase : IRXAFSService
{
    public virtual Task<RXAFSFetchDataResult> FetchDataAsync(AFSFid fid, int pos, int length, RxSplitServerCall stream, CancellationToken cancellationToken) => NotServed<RXAFSFetchDataResult>(nameof(FetchDataAsync));
    public virtual Task<RXAFSFetchACLResult> FetchACLAsync(AFSFid fid, CancellationToken cancellationToken) => NotServed<RXAFSFetchACLResult>(nameof(FetchACLAsync));
    public virtual Task<RXAFSFetchStatusResult> FetchStatusAsync(AFSFid fid, CancellationToken cancellationToken) => NotServed<RXAFSFetchStatusResult>(nameof(FetchStatusAsync));
    public virtual Task<RXAFSStoreDataResult> StoreDataAsync(AFSFid fid, AFSStoreStatus inStatus, uint pos, uint length, uint fileLength, RxSplitServerCall stream, CancellationToken cancellationToken) => NotServed<RXAFSStoreDataResult>(nameof(StoreDataAsync));
    public virtual Task<RXAFSStoreACLResult> StoreACLAsync(AFSFid fid, byte[] accessList, CancellationToken cancellationToken) => NotServed<RXAFSStoreACLResult>(nameof(StoreACLAsync));
    public virtual Task<RXAFSStoreStatusResult> StoreStatusAsync(AFSFid fid, AFSStoreStatus inStatus, CancellationToken cancellationToken) => NotServed<RXAFSStoreStatusResult>(nameof(StoreStatusAsync));
    public virtual Task<RXAFSRemoveFileResult> RemoveFileAsync(AFSFid dirFid, string name, CancellationToken cancellationToken) => NotServed<RXAFSRemoveFileResult>(nameof(RemoveFileAsync));
    public virtual Task<RXAFSCreateFileResult> CreateFileAsync(AFSFid dirFid, string name, AFSStoreStatus inStatus, CancellationToken cancellationToken) => NotServed<RXAFSCreateFileResult>(nameof(CreateFileAsync));
    public virtual Task<RXAFSRenameResult> RenameAsync(AFSFid oldDirFid, string oldName, AFSFid newDirFid, string newName, CancellationToken cancellationToken) => NotServed<RXAFSRenameResult>(nameof(RenameAsync));
    public virtual Task<RXAFSSymlinkResult> SymlinkAsync(AFSFid dirFid, string name, string linkContents, AFSStoreStatus inStatus, CancellationToken cancellationToken) => NotServed<RXAFSSymlinkResult>(nameof(SymlinkAsync));
    public virtual Task<RXAFSLinkResult> LinkAsync(AFSFid dirFid, string name, AFSFid existingFid, CancellationToken cancellationToken) => NotServed<RXAFSLinkResult>(nameof(LinkAsync));
    public virtual Task<RXAFSMakeDirResult> MakeDirAsync(AFSFid dirFid, string name, AFSStoreStatus inStatus, CancellationToken cancellationToken) => NotServed<RXAFSMakeDirResult>(nameof(MakeDirAsync));
    public virtual Task<RXAFSRemoveDirResult> RemoveDirAsync(AFSFid dirFid, string name, CancellationToken cancellationToken) => NotServed<RXAFSRemoveDirResult>(nameof(RemoveDirAsync));
    public virtual Task OldSetLockAsync(AFSFid fid, int type, AFSVolSync sync, CancellationToken cancellationToken) => NotServed(nameof(OldSetLockAsync));
    public virtual Task OldExtendLockAsync(AFSFid fid, AFSVolSync sync, CancellationToken cancellationToken) => NotServed(nameof(OldExtendLockAsync));
    public virtual Task OldReleaseLockAsync(AFSFid fid, AFSVolSync sync, CancellationToken cancellationToken) => NotServed(nameof(OldReleaseLockAsync));
    public virtual Task<ViceStatistics> GetStatisticsAsync(CancellationToken cancellationToken) => NotServed<ViceStatistics>(nameof(GetStatisticsAsync));
    public virtual Task GiveUpCallBacksAsync(AFSFid[] fidsArray, AFSCallBack[] callBacksArray, CancellationToken cancellationToken) => NotServed(nameof(GiveUpCallBacksAsync));
    public virtual Task<VolumeInfo> GetVolumeInfoAsync(string volumeName, CancellationToken cancellationToken) => NotServed<VolumeInfo>(nameof(GetVolumeInfoAsync));
    public virtual Task<RXAFSGetVolumeStatusResult> GetVolumeStatusAsync(int volumeid, CancellationToken cancellationToken) => NotServed<RXAFSGetVolumeStatusResult>(nameof(GetVolumeStatusAsync));
    public virtual Task SetVolumeStatusAsync(int volumeid, AFSStoreVolumeStatus volumestatus, string name, string offlineMsg, string motd, CancellationToken cancellationToken) => NotServed(nameof(SetVolumeStatusAsync));
    public virtual Task<string> GetRootVolumeAsync(CancellationToken cancellationToken) => NotServed<string>(nameof(GetRootVolumeAsync));
    public virtual Task CheckTokenAsync(int viceId, byte[] token, CancellationToken cancellationToken) => NotServed(nameof(CheckTokenAsync));
    public virtual Task<RXAFSGetTimeResult> GetTimeAsync(CancellationToken cancellationToken) => NotServed<RXAFSGetTimeResult>(nameof(GetTimeAsync));
    public virtual Task<AFSVolumeInfo> NGetVolumeInfoAsync(string volumeName, CancellationToken cancellationToken) => NotServed<AFSVolumeInfo>(nameof(NGetVolumeInfoAsync));
    public virtual Task<RXAFSBulkStatusResult> BulkStatusAsync(AFSFid[] fidsArray, CancellationToken cancellationToken) => NotServed<RXAFSBulkStatusResult>(nameof(BulkStatusAsync));
    public virtual Task<AFSVolSync> SetLockAsync(AFSFid fid, int type, CancellationToken cancellationToken) => NotServed<AFSVolSync>(nameof(SetLockAsync));
    public virtual Task<AFSVolSync> ExtendLockAsync(AFSFid fid, CancellationToken cancellationToken) => NotServed<AFSVolSync>(nameof(ExtendLockAsync));
    public virtual Task<AFSVolSync> ReleaseLockAsync(AFSFid fid, CancellationToken cancellationToken) => NotServed<AFSVolSync>(nameof(ReleaseLockAsync));
    public virtual Task<int> XStatsVersionAsync(CancellationToken cancellationToken) => NotServed<int>(nameof(XStatsVersionAsync));
    public virtual Task<RXAFSGetXStatsResult> GetXStatsAsync(int clientVersionNumber, int collectionNumber, CancellationToken cancellationToken) => NotServed<RXAFSGetXStatsResult>(nameof(GetXStatsAsync));
    public virtual Task<RXAFSLookupResult> LookupAsync(AFSFid dirFid, string name, CancellationToken cancellationToken) => NotServed<RXAFSLookupResult>(nameof(LookupAsync));
    public virtual Task<RXAFSFlushCPSResult> FlushCPSAsync(int[] idsArray, int[] addrsArray, int spare1, CancellationToken cancellationToken) => NotServed<RXAFSFlushCPSResult>(nameof(FlushCPSAsync));
    public virtual Task<RXAFSDFSSymlinkResult> DFSSymlinkAsync(AFSFid dirFid, string name, string linkContents, AFSStoreStatus inStatus, CancellationToken cancellationToken) => NotServed<RXAFSDFSSymlinkResult>(nameof(DFSSymlinkAsync));
    public virtual Task<RXAFSInlineBulkStatusResult> InlineBulkStatusAsync(AFSFid[] fidsArray, CancellationToken cancellationToken) => NotServed<RXAFSInlineBulkStatusResult>(nameof(InlineBulkStatusAsync));
    public virtual Task<RXAFSFetchData64Result> FetchData64Async(AFSFid fid, long pos, long length, RxSplitServerCall stream, CancellationToken cancellationToken) => NotServed<RXAFSFetchData64Result>(nameof(FetchData64Async));
    public virtual Task<RXAFSStoreData64Result> StoreData64Async(AFSFid fid, AFSStoreStatus inStatus, ulong pos, ulong length, ulong fileLength, RxSplitServerCall stream, CancellationToken cancellationToken) => NotServed<RXAFSStoreData64Result>(nameof(StoreData64Async));
    public virtual Task GiveUpAllCallBacksAsync(CancellationToken cancellationToken) => NotServed(nameof(GiveUpAllCallBacksAsync));
    public virtual Task<uint[]> GetCapabilitiesAsync(CancellationToken cancellationToken) => NotServed<uint[]>(nameof(GetCapabilitiesAsync));
    public virtual Task CallBackRxConnAddrAsync(int addr, CancellationToken cancellationToken) => NotServed(nameof(CallBackRxConnAddrAsync));
    public virtual Task<ulong[]> GetStatistics64Async(int statsVersion, CancellationToken cancellationToken) => NotServed<ulong[]>(nameof(GetStatistics64Async));

    private static Task NotServed(string procedure) => Task.FromException(NotServedError.Create(procedure));

    private static Task<T> NotServed<T>(string procedure) => Task.FromException<T>(NotServedError.Create(procedure));
}
