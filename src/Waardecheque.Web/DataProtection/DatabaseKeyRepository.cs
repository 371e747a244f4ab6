using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Database;

namespace Waardecheque.Web.DataProtection;

/// <summary>
/// ASP.NET Core Data Protection keys (they sign antiforgery tokens and protect TempData) in PostgreSQL instead of a
/// folder on one machine: every app process behind a load balancer then accepts a form that another one served, and
/// a redeployed machine keeps the keys. The interface is synchronous (ASP.NET Core calls it rarely: at the first use
/// and when the key ring is refreshed), hence the synchronous Npgsql calls.
/// </summary>
/// <remarks>
/// The keys are stored unencrypted, readable to whoever can read this database. Anyone with that access can already
/// read and change everything the keys protect, so encrypting them with a key kept in the same place would add
/// nothing; a deployment with a certificate store can add <c>ProtectKeysWithCertificate</c>.
/// </remarks>
internal sealed class DatabaseKeyRepository(NpgsqlDataSource db, DbSchema schema) : IXmlRepository
{
    private string Table => schema.Table("data_protection_keys");

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = db.CreateCommand($"select xml from {Table} order by created");
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read()) keys.Add(XElement.Parse(reader.GetString(0)));
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = db.CreateCommand($"insert into {Table} (name, xml, created) values ($1, $2, now())");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    internal static string Sql(DbSchema s) => $"""
        select pg_advisory_xact_lock({AuthSchema.MigrationLock});
        create schema if not exists {s.Quoted};
        create table if not exists {s.Table("data_protection_keys")} (
            id      bigint generated always as identity primary key,
            name    text not null,
            xml     text not null,
            created timestamptz not null
        );
        """;
}

/// <summary>Creates the key table at start-up, before any page can ask for a key.</summary>
internal sealed class DataProtectionKeysSchema(NpgsqlDataSource db, DbSchema schema) : IStartupTask
{
    public string Name => "data protection keys schema";

    public Task RunAsync(CancellationToken cancellationToken) =>
        DbSchema.ApplyAsync(db, DatabaseKeyRepository.Sql(schema), cancellationToken);
}
