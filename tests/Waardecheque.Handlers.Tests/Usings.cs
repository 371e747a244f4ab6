global using JasperFx;
global using Waardecheque.Domain;
global using Waardecheque.Testing;
global using IEvent = JasperFx.Events.IEvent;
global using MessageContext = Waardecheque.Domain.MessageContext;
