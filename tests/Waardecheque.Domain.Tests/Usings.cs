global using Waardecheque.Domain;
global using Waardecheque.Domain.Tests.Builders;
