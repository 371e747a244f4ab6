global using Waardecheque.Domain;
global using Waardecheque.Domain.Tests.Builders;
global using Waardecheque.Messaging;
