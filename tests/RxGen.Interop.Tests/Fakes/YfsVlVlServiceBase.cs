using System.Threading;
using System.Threading.Tasks;
using Golden.YfsVl;
using Golden.Vl;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Rpc;

namespace RxGen.Interop.Tests.Fakes;

/// <summary>
/// A Golden.YfsVl VL_ service (service 52 of yfsvl.xg) for tests.
/// Every procedure aborts with RXGEN_OPCODE (-455), as a server that lacks it does; tests override
/// the procedures they serve.
/// </summary>
public abstract class YfsVlVlServiceBase : IVLService
{
    public virtual Task ProbeServerAsync(CancellationToken cancellationToken) => NotServed(nameof(ProbeServerAsync));
    public virtual Task<vldbentry> GetEntryByNameOAsync(string volumename, CancellationToken cancellationToken) => NotServed<vldbentry>(nameof(GetEntryByNameOAsync));
    public virtual Task<nvldbentry> GetEntryByNameNAsync(string volumename, CancellationToken cancellationToken) => NotServed<nvldbentry>(nameof(GetEntryByNameNAsync));
    public virtual Task<uvldbentry> GetEntryByNameUAsync(string volumename, CancellationToken cancellationToken) => NotServed<uvldbentry>(nameof(GetEntryByNameUAsync));
    public virtual Task<VLGetAddrsUResult> GetAddrsUAsync(ListAddrByAttributes inaddr, CancellationToken cancellationToken) => NotServed<VLGetAddrsUResult>(nameof(GetAddrsUAsync));
    public virtual Task CreateEntryAsync(vldbentry newentry, CancellationToken cancellationToken) => NotServed(nameof(CreateEntryAsync));
    public virtual Task DeleteEntryAsync(uint volid, int voltype, CancellationToken cancellationToken) => NotServed(nameof(DeleteEntryAsync));
    public virtual Task<vldbentry> GetEntryByIDAsync(uint volid, int voltype, CancellationToken cancellationToken) => NotServed<vldbentry>(nameof(GetEntryByIDAsync));
    public virtual Task<uint> GetNewVolumeIdAsync(uint bumpcount, CancellationToken cancellationToken) => NotServed<uint>(nameof(GetNewVolumeIdAsync));
    public virtual Task ReplaceEntryAsync(uint volid, int voltype, vldbentry newentry, int releaseType, CancellationToken cancellationToken) => NotServed(nameof(ReplaceEntryAsync));
    public virtual Task UpdateEntryAsync(uint volid, int voltype, VldbUpdateEntry updateEntry, int releaseType, CancellationToken cancellationToken) => NotServed(nameof(UpdateEntryAsync));
    public virtual Task SetLockAsync(uint volid, int voltype, int voloper, CancellationToken cancellationToken) => NotServed(nameof(SetLockAsync));
    public virtual Task ReleaseLockAsync(uint volid, int voltype, int releaseType, CancellationToken cancellationToken) => NotServed(nameof(ReleaseLockAsync));
    public virtual Task<VLListEntryResult> ListEntryAsync(int previousIndex, CancellationToken cancellationToken) => NotServed<VLListEntryResult>(nameof(ListEntryAsync));
    public virtual Task<VLListAttributesResult> ListAttributesAsync(VldbListByAttributes attributes, CancellationToken cancellationToken) => NotServed<VLListAttributesResult>(nameof(ListAttributesAsync));
    public virtual Task<VLGetStatsResult> GetStatsAsync(CancellationToken cancellationToken) => NotServed<VLGetStatsResult>(nameof(GetStatsAsync));
    public virtual Task<VLGetAddrsResult> GetAddrsAsync(int handle, int spare2, CancellationToken cancellationToken) => NotServed<VLGetAddrsResult>(nameof(GetAddrsAsync));
    public virtual Task ChangeAddrAsync(uint ip1, uint ip2, CancellationToken cancellationToken) => NotServed(nameof(ChangeAddrAsync));
    public virtual Task CreateEntryNAsync(nvldbentry newentry, CancellationToken cancellationToken) => NotServed(nameof(CreateEntryNAsync));
    public virtual Task<nvldbentry> GetEntryByIDNAsync(uint volid, int voltype, CancellationToken cancellationToken) => NotServed<nvldbentry>(nameof(GetEntryByIDNAsync));
    public virtual Task ReplaceEntryNAsync(uint volid, int voltype, nvldbentry newentry, int releaseType, CancellationToken cancellationToken) => NotServed(nameof(ReplaceEntryNAsync));
    public virtual Task<VLListEntryNResult> ListEntryNAsync(int previousIndex, CancellationToken cancellationToken) => NotServed<VLListEntryNResult>(nameof(ListEntryNAsync));
    public virtual Task<VLListAttributesNResult> ListAttributesNAsync(VldbListByAttributes attributes, CancellationToken cancellationToken) => NotServed<VLListAttributesNResult>(nameof(ListAttributesNAsync));
    public virtual Task UpdateEntryByNameAsync(string volumename, VldbUpdateEntry updateEntry, int releaseType, CancellationToken cancellationToken) => NotServed(nameof(UpdateEntryByNameAsync));
    public virtual Task RegisterAddrsAsync(AfsUuid uuidp, int spare1, uint[] ipaddr, CancellationToken cancellationToken) => NotServed(nameof(RegisterAddrsAsync));
    public virtual Task<VLListAttributesN2Result> ListAttributesN2Async(VldbListByAttributes attributes, string volumename, int startindex, CancellationToken cancellationToken) => NotServed<VLListAttributesN2Result>(nameof(ListAttributesN2Async));
    public virtual Task<VLLinkedListResult> LinkedListAsync(VldbListByAttributes attributes, CancellationToken cancellationToken) => NotServed<VLLinkedListResult>(nameof(LinkedListAsync));
    public virtual Task<VLLinkedListNResult> LinkedListNAsync(VldbListByAttributes attributes, CancellationToken cancellationToken) => NotServed<VLLinkedListNResult>(nameof(LinkedListNAsync));
    public virtual Task<uint[]> GetCapabilitiesAsync(CancellationToken cancellationToken) => NotServed<uint[]>(nameof(GetCapabilitiesAsync));

    private static Task NotServed(string procedure) => Task.FromException(NotServedError.Create(procedure));

    private static Task<T> NotServed<T>(string procedure) => Task.FromException<T>(NotServedError.Create(procedure));
}
