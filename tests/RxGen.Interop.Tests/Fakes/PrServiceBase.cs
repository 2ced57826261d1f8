using System.Threading;
using System.Threading.Tasks;
using Golden.Pt;
using RxGen.Runtime.Rpc;

namespace RxGen.Interop.Tests.Fakes;

/// <summary>
/// A Golden.Pt PR_ protection server (ptint.xg) for tests; GetCapabilities is left to the interface's synthesized default.
/// Every procedure aborts with RXGEN_OPCODE (-455), as a server that lacks it does; tests override
/// the procedures they serve.
/// </summary>
public abstract class PrServiceBase : IPRService
{
    public virtual Task INewEntryAsync(string name, int id, int oid, CancellationToken cancellationToken) => NotServed(nameof(INewEntryAsync));
    public virtual Task<int> WhereIsItAsync(int id, CancellationToken cancellationToken) => NotServed<int>(nameof(WhereIsItAsync));
    public virtual Task<prdebugentry> DumpEntryAsync(int pos, CancellationToken cancellationToken) => NotServed<prdebugentry>(nameof(DumpEntryAsync));
    public virtual Task AddToGroupAsync(int uid, int gid, CancellationToken cancellationToken) => NotServed(nameof(AddToGroupAsync));
    public virtual Task<int[]> NameToIDAsync(byte[][] nlist, CancellationToken cancellationToken) => NotServed<int[]>(nameof(NameToIDAsync));
    public virtual Task<byte[][]> IDToNameAsync(int[] ilist, CancellationToken cancellationToken) => NotServed<byte[][]>(nameof(IDToNameAsync));
    public virtual Task DeleteAsync(int id, CancellationToken cancellationToken) => NotServed(nameof(DeleteAsync));
    public virtual Task RemoveFromGroupAsync(int id, int gid, CancellationToken cancellationToken) => NotServed(nameof(RemoveFromGroupAsync));
    public virtual Task<PRGetCPSResult> GetCPSAsync(int id, CancellationToken cancellationToken) => NotServed<PRGetCPSResult>(nameof(GetCPSAsync));
    public virtual Task<int> NewEntryAsync(string name, int flag, int oid, CancellationToken cancellationToken) => NotServed<int>(nameof(NewEntryAsync));
    public virtual Task<PRListMaxResult> ListMaxAsync(CancellationToken cancellationToken) => NotServed<PRListMaxResult>(nameof(ListMaxAsync));
    public virtual Task SetMaxAsync(int id, int gflag, CancellationToken cancellationToken) => NotServed(nameof(SetMaxAsync));
    public virtual Task<prcheckentry> ListEntryAsync(int id, CancellationToken cancellationToken) => NotServed<prcheckentry>(nameof(ListEntryAsync));
    public virtual Task ChangeEntryAsync(int id, string name, int oid, int newid, CancellationToken cancellationToken) => NotServed(nameof(ChangeEntryAsync));
    public virtual Task<PRListElementsResult> ListElementsAsync(int id, CancellationToken cancellationToken) => NotServed<PRListElementsResult>(nameof(ListElementsAsync));
    public virtual Task<int> IsAMemberOfAsync(int uid, int gid, CancellationToken cancellationToken) => NotServed<int>(nameof(IsAMemberOfAsync));
    public virtual Task SetFieldsEntryAsync(int id, int mask, int flags, int ngroups, int nusers, int spare1, int spare2, CancellationToken cancellationToken) => NotServed(nameof(SetFieldsEntryAsync));
    public virtual Task<PRListOwnedResult> ListOwnedAsync(int id, int lastp, CancellationToken cancellationToken) => NotServed<PRListOwnedResult>(nameof(ListOwnedAsync));
    public virtual Task<PRGetCPS2Result> GetCPS2Async(int id, int host, CancellationToken cancellationToken) => NotServed<PRGetCPS2Result>(nameof(GetCPS2Async));
    public virtual Task<PRGetHostCPSResult> GetHostCPSAsync(int host, CancellationToken cancellationToken) => NotServed<PRGetHostCPSResult>(nameof(GetHostCPSAsync));
    public virtual Task UpdateEntryAsync(int id, string name, PrUpdateEntry uentry, CancellationToken cancellationToken) => NotServed(nameof(UpdateEntryAsync));
    public virtual Task<PRListEntriesResult> ListEntriesAsync(int flags, int startindex, CancellationToken cancellationToken) => NotServed<PRListEntriesResult>(nameof(ListEntriesAsync));
    public virtual Task<PRListSuperGroupsResult> ListSuperGroupsAsync(int id, CancellationToken cancellationToken) => NotServed<PRListSuperGroupsResult>(nameof(ListSuperGroupsAsync));

    private static Task NotServed(string procedure) => Task.FromException(NotServedError.Create(procedure));

    private static Task<T> NotServed<T>(string procedure) => Task.FromException<T>(NotServedError.Create(procedure));
}
