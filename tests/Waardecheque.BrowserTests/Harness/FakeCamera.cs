using QRCoder;

namespace Waardecheque.BrowserTests.Harness;

/// <summary>
/// A camera for chromium that films a QR code: writes a Y4M video that chromium plays as its webcam with
/// <c>--use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE</c> (see <see cref="ChromiumArgs"/>).
/// For the pages where residents and the buurtverbinder scan a paper cheque with the phone camera (jsQR).
/// </summary>
public static class FakeCamera
{
    /// <summary>The chromium flags that turn <paramref name="y4mPath"/> into the webcam and grant camera access
    /// without a prompt.</summary>
    public static string[] ChromiumArgs(string y4mPath) =>
    [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        $"--use-file-for-fake-video-capture={y4mPath}",
    ];

    /// <summary>
    /// Writes a one-frame 640x480 Y4M (4:2:0) video of a QR code holding <paramref name="text"/>, black on white,
    /// centred; chromium loops the frame. Returns <paramref name="path"/>.
    /// </summary>
    public static string WriteQrVideo(string text, string path, int width = 640, int height = 480)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix; // includes the 4-module quiet zone
        var size = modules.Count;
        var scale = Math.Max(1, Math.Min(width, height) * 3 / 4 / size);
        var left = (width - size * scale) / 2;
        var top = (height - size * scale) / 2;

        var luma = new byte[width * height];
        Array.Fill(luma, (byte)235); // white (video range)
        for (var y = 0; y < size * scale; y++)
        for (var x = 0; x < size * scale; x++)
        {
            if (modules[y / scale][x / scale])
                luma[(top + y) * width + left + x] = 16; // black (video range)
        }
        var chroma = new byte[(width / 2) * (height / 2)];
        Array.Fill(chroma, (byte)128); // no colour

        using var file = File.Create(path);
        var header = System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\nFRAME\n");
        file.Write(header);
        file.Write(luma);
        file.Write(chroma); // U
        file.Write(chroma); // V
        return path;
    }

    /// <summary>A PNG of a QR code holding <paramref name="text"/> (for serving to a page that decodes an image).</summary>
    public static byte[] QrPng(string text, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }
}
