import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws the Tollgate app icon (a toll barrier across a road, in a rounded tile) and writes it as PNG
 * (Linux), ICO (Windows) and ICNS (macOS), each embedding the same 256 px PNG. Run once, commit the output:
 * {@code java -Djava.awt.headless=true installers/src/icon/DrawIcon.java installers/src/main/icons}.
 */
public final class DrawIcon {
    private static final int SIZE = 256;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(out);
        byte[] png = png(draw());
        Files.write(out.resolve("tollgate.png"), png);
        Files.write(out.resolve("tollgate.ico"), ico(png));
        Files.write(out.resolve("tollgate.icns"), icns(png));
    }

    private static BufferedImage draw() {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);

        g.setPaint(new GradientPaint(0, 0, new Color(0x1F4E79), 0, SIZE, new Color(0x0E2A47)));
        g.fill(new RoundRectangle2D.Double(8, 8, SIZE - 16, SIZE - 16, 56, 56));

        g.setColor(new Color(0x3A6A96));
        g.fillPolygon(new int[] {96, 160, 212, 44}, new int[] {112, 112, 232, 232}, 4);
        g.setColor(new Color(0xE8EEF4));
        g.setStroke(new BasicStroke(6, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {18, 14}, 0));
        g.drawLine(128, 120, 128, 228);

        g.setColor(new Color(0xDDE3EA));
        g.fillRoundRect(40, 96, 36, 120, 10, 10);
        g.setColor(new Color(0x9AA7B4));
        g.fillRoundRect(46, 84, 24, 20, 6, 6);

        int barY = 100;
        for (int i = 0; i < 6; i++) {
            g.setColor(i % 2 == 0 ? new Color(0xE53935) : Color.WHITE);
            g.fillRect(76 + i * 24, barY, 24, 22);
        }
        g.setColor(new Color(0x222222));
        g.fillOval(50, 102, 16, 16);

        g.setColor(new Color(0xFFC107));
        g.fillOval(176, 36, 44, 44);
        g.setColor(new Color(0x0E2A47));
        g.setStroke(new BasicStroke(7, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(188, 58, 196, 67);
        g.drawLine(196, 67, 210, 49);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /** An ICO with one 256 px entry stored as PNG (supported since Windows Vista). */
    private static byte[] ico(byte[] png) {
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + png.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
        b.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putShort((short) 1).putShort((short) 32).putInt(png.length).putInt(6 + 16);
        b.put(png);
        return b.array();
    }

    /** An ICNS with one {@code ic08} (256 px PNG) element. */
    private static byte[] icns(byte[] png) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeBytes("icns");
        out.writeInt(8 + 8 + png.length);
        out.writeBytes("ic08");
        out.writeInt(8 + png.length);
        out.write(png);
        out.flush();
        return bytes.toByteArray();
    }
}
